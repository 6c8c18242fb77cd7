//! The `needsmap` subcommands: one function per subcommand, each a thin shell over the library
//! that loads what it needs and writes its answer to `out`.

mod access;
mod area;
pub mod args;
mod build;
mod compare;
mod data;
mod export;
mod layers;
mod output;
mod postcode;
mod profile;
mod query;
mod scenario;
mod serve;
mod summary;
mod travel;

use anyhow::Result;
use args::{Cli, Command, Global};
use indicatif::ProgressBar;
use needsmap::atlas::{Atlas, AtlasError};
use needsmap::sources::DataDir;
use needsmap::travel::Networks;
use std::io::Write;
use std::time::Duration;

/// Run one parsed command line, writing its answer to `out`.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<()> {
    let g = &cli.global;
    match &cli.command {
        Command::Layers(a) => layers::run(g, a, out),
        Command::Query(a) => query::run(g, a, out),
        Command::Area(a) => area::run(g, a, out),
        Command::Postcode(a) => postcode::run(g, a, out),
        Command::Access(a) => access::run(g, a, out),
        Command::Scenario(a) => scenario::run(g, a, out),
        Command::Travel(a) => travel::run(g, a, out),
        Command::Serve(a) => serve::run(g, a),
        Command::Export(a) => export::run(g, a, out),
        Command::Data { action } => data::run(g, action, out),
        Command::Build(a) => build::run(g, a, out),
        Command::Compare(a) => compare::run(g, a, out),
        Command::Summary(a) => summary::run(g, a, out),
        Command::Profile(a) => profile::run(g, a, out),
    }
}

/// A mistake in what the user asked for (a filter that does not parse, an unknown code): exit
/// code 2, like clap's own usage errors. Failures to read or fetch data exit with 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The exit code for an error: 2 when the request was wrong, 1 when the data or the system
/// failed.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    use needsmap::overlay::OverlayError;
    let usage = e.chain().any(|c| {
        c.is::<UsageError>()
            || c.is::<needsmap::query::QueryError>()
            || c.downcast_ref::<AtlasError>().is_some_and(is_wrong_request)
            || match c.downcast_ref::<OverlayError>() {
                Some(OverlayError::UnknownSite(_) | OverlayError::BadSite(_)) => true,
                // Transparent: the atlas error is not in the chain by itself.
                Some(OverlayError::Atlas(a)) => is_wrong_request(a),
                _ => false,
            }
    });
    if usage {
        2
    } else {
        1
    }
}

/// Atlas errors that mean the user asked for something that is not there.
fn is_wrong_request(e: &AtlasError) -> bool {
    matches!(
        e,
        AtlasError::UnknownArea(_)
            | AtlasError::UnknownRegion(_)
            | AtlasError::EmptyRegion { .. }
            | AtlasError::Postcode(_)
            | AtlasError::PostcodeNotFound(_)
            | AtlasError::OutsideRegion { .. }
    )
}

/// True when the error is only that the reader of our output went away (`needsmap … | head`),
/// which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

impl Global {
    /// The data directory, with the mirror named on the command line or the default one.
    fn data(&self) -> DataDir {
        let mirror = self
            .mirror
            .clone()
            .or_else(needsmap::sources::default_mirror);
        DataDir::new(self.data_dir.clone(), mirror)
    }

    /// The region's atlas with every layer, from its compiled snapshot (built on first use).
    fn load(&self) -> Result<Atlas> {
        Ok(self.open(false)?.atlas)
    }

    /// The region's snapshot, behind a spinner; `force` rebuilds it.
    fn open(&self, force: bool) -> Result<needsmap::atlas::snapshot::Opened> {
        self.open_vintage(self.vintage, force)
    }

    /// [`Global::open`] for a vintage other than `--vintage` (the postcode check answers under both).
    fn open_vintage(
        &self,
        vintage: needsmap::vintage::Vintage,
        force: bool,
    ) -> Result<needsmap::atlas::snapshot::Opened> {
        let spinner = spinner(format!(
            "opening {} ({vintage}) from {}",
            self.region,
            self.data_dir.display()
        ));
        let opened = needsmap::open_atlas(
            &self.data(),
            &self.region,
            vintage,
            self.network.as_deref(),
            force,
        );
        spinner.finish_and_clear();
        Ok(opened?)
    }

    /// The atlas and the networks its GP-access layers were routed on (`None` when estimated),
    /// parsed once for both.
    fn load_with_networks(&self) -> Result<(Atlas, Option<Networks>)> {
        let spinner = spinner(format!(
            "loading {} from {}",
            self.region,
            self.data_dir.display()
        ));
        let loaded =
            needsmap::load_with_networks(&self.data(), &self.region, self.network.as_deref());
        spinner.finish_and_clear();
        Ok(loaded?)
    }
}

/// A spinner on stderr for work that takes seconds; hidden when stderr is not a terminal.
fn spinner(message: String) -> ProgressBar {
    let spinner = ProgressBar::new_spinner().with_message(message);
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}
