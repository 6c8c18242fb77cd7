//! A locality profile as one self-contained, A4-friendly HTML page (inline SVG map, print CSS, no
//! scripts, no requests), from [`LocalityProfile`].

use crate::locality::DECILE_COLOURS;
use crate::model::locality::{LocalityProfile, PlaceKind};
use std::fmt::Write as _;

/// Escape text for HTML.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A whole number with thousands separators: 12,345.
pub fn whole(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn opt(x: Option<String>) -> String {
    x.unwrap_or_else(|| "–".into())
}

/// A whole number, or "n/a" where the vintage publishes none (never a 0 that is not a count).
fn count(x: Option<f64>) -> String {
    x.map(whole).unwrap_or_else(|| "n/a".into())
}

/// "count (share)", or "n/a" without the count.
fn count_share(x: Option<f64>, share: Option<f64>) -> String {
    match (x, share) {
        (Some(x), Some(s)) => format!("{} ({})", whole(x), pct(s)),
        (Some(x), None) => whole(x),
        _ => "n/a".into(),
    }
}

const STYLE: &str = r#"
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; border-bottom: 1px solid #999; }
.sub { color: #444; margin: 0 0 3mm; }
.top { display: grid; grid-template-columns: 0.85fr 1.15fr; gap: 4mm; align-items: start; }
.map svg { width: 100%; height: auto; max-height: 95mm; border: 1px solid #ccc; }
.legend { display: flex; flex-wrap: wrap; gap: 1mm; font-size: 8pt; margin-top: 1mm; }
.legend span { display: inline-flex; align-items: center; gap: 1mm; }
.legend i { display: inline-block; width: 4mm; height: 3mm; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { border-bottom: 1px solid #ddd; padding: 0.5mm 1.2mm; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.estimate { font-weight: bold; color: #8a4b00; }
.small { font-size: 8pt; color: #333; }
.chrome { margin: 0 0 4mm; display: flex; gap: 3mm; }
.chrome a, .chrome button { font: inherit; }
h2, table, .top { break-inside: avoid; }
@media print { .chrome { display: none !important; } body { padding: 0; } a { color: inherit; text-decoration: none; } }
"#;

/// The page.
pub fn html(p: &LocalityProfile) -> String {
    let mut o = String::new();
    let kind = match p.kind {
        PlaceKind::District => "District (Integrated Locality Partnership)",
        PlaceKind::Ward => "Electoral ward (May 2025)",
    };
    let title = format!("{} — locality profile", p.name);
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&title)
    );
    let _ = write!(
        o,
        "<nav class=\"chrome\"><a href=\"/\">← Back to the map</a><button type=\"button\" onclick=\"window.print()\">Print</button></nav>"
    );
    let _ = write!(
        o,
        "<h1>{}</h1><p class=\"sub\">{kind} {}{} · {} LSOAs · figures on {}</p>",
        escape(&p.name),
        escape(&p.code),
        p.district
            .as_ref()
            .map(|d| format!(" in {}", escape(d)))
            .unwrap_or_default(),
        p.place.lsoas,
        escape(&p.vintage)
    );
    if p.kind == PlaceKind::Ward {
        let _ = write!(
            o,
            "<p class=\"small\"><b>Method:</b> {}</p>",
            escape(&p.method)
        );
    }
    // Map and key figures side by side.
    o.push_str("<div class=\"top\"><div class=\"map\">");
    o.push_str(&p.map_svg);
    let _ = write!(o, "<div class=\"legend\">National IMD {} decile: ", year(p));
    for (k, c) in DECILE_COLOURS.iter().enumerate() {
        let _ = write!(o, "<span><i style=\"background:{c}\"></i>{}</span>", k + 1);
    }
    o.push_str(" (1 = most deprived 10% of England)</div></div><div>");
    key_figures(&mut o, p);
    o.push_str("</div></div>");
    most_deprived(&mut o, p);
    children(&mut o, p);
    gp_access(&mut o, p);
    sources(&mut o, p);
    o.push_str("</body></html>\n");
    o
}

/// The index year of the profile's vintage.
fn year(p: &LocalityProfile) -> u16 {
    p.edition.year()
}

fn key_figures(o: &mut String, p: &LocalityProfile) {
    let (r, c, e) = (&p.place, &p.county, p.england.as_ref());
    let _ = write!(
        o,
        "<h2>Key figures</h2><table><thead><tr><th></th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">England</th></tr></thead><tbody>",
        escape(&p.name),
        escape(&c.name)
    );
    let ec = |f: &dyn Fn(&crate::model::locality::EnglandFigures) -> String| {
        e.map(f).unwrap_or_else(|| "–".into())
    };
    let mut line = |label: &str, a: String, b: String, en: String| {
        let _ = write!(
            o,
            "<tr><td>{label}</td><td class=\"n\">{a}</td><td class=\"n\">{b}</td><td class=\"n\">{en}</td></tr>"
        );
    };
    line(
        "LSOAs",
        whole(r.lsoas as f64),
        whole(c.lsoas as f64),
        ec(&|e| whole(e.lsoas as f64)),
    );
    line(
        "Population (mid-2015)",
        count(r.population),
        count(c.population),
        ec(&|e| count(e.population)),
    );
    line(
        "Children aged 0-15 (mid-2015)",
        count(r.children),
        count(c.children),
        ec(&|e| count(e.children)),
    );
    let of = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    line(
        &format!("Children in income-deprived families (IDACI {})", year(p)),
        count_share(
            r.children_income_deprived,
            of(r.children_income_deprived, r.children),
        ),
        count_share(
            c.children_income_deprived,
            of(c.children_income_deprived, c.children),
        ),
        ec(&|e| {
            count_share(
                e.children_income_deprived,
                of(e.children_income_deprived, e.children),
            )
        }),
    );
    line(
        &format!("IMD {} score, population-weighted", year(p)),
        opt(r.imd_score_weighted.map(|x| format!("{x:.1}"))),
        opt(c.imd_score_weighted.map(|x| format!("{x:.1}"))),
        ec(&|e| opt(e.imd_score_weighted.map(|x| format!("{x:.1}")))),
    );
    line(
        "LSOAs in the most deprived 10% of England",
        format!("{} ({})", r.lsoas_decile1, pct(r.share_lsoas_decile1)),
        format!("{} ({})", c.lsoas_decile1, pct(c.share_lsoas_decile1)),
        ec(&|e| pct(e.share_lsoas_decile1)),
    );
    line(
        "People in the most deprived 10%",
        count_share(r.people_decile1, r.share_people_decile1),
        count_share(c.people_decile1, c.share_people_decile1),
        ec(&|e| opt(e.share_people_decile1.map(pct))),
    );
    line(
        "People in the most deprived 20%",
        count_share(r.people_decile1_2, r.share_people_decile1_2),
        count_share(c.people_decile1_2, c.share_people_decile1_2),
        ec(&|e| opt(e.share_people_decile1_2.map(pct))),
    );
    line(
        "Children in low-income families, DWP FYE 2022 (provisional)",
        opt(r.child_poverty.map(whole)),
        opt(c.child_poverty.map(whole)),
        "–".into(),
    );
    o.push_str("</tbody></table>");
    let mut notes = Vec::new();
    if r.population.is_none() {
        notes.push(format!("n/a: {} publishes no population figures in the data mirror, so people are not counted (areas are).", p.vintage));
    }
    if r.child_poverty.is_none() && p.kind == PlaceKind::Ward {
        notes.push("Child poverty is published for MSOAs, which do not nest in wards: see the MSOA table below.".to_string());
    }
    notes.push("England child poverty: the mirrored DWP tables are by area name only, with no England total; not shown.".into());
    if let Some(n) = &p.england_note {
        notes.push(format!("England: {n}"));
    }
    for n in notes {
        let _ = write!(o, "<p class=\"small\">{}</p>", escape(&n));
    }
}

fn most_deprived(o: &mut String, p: &LocalityProfile) {
    let _ = write!(
        o,
        "<h2>The most deprived LSOAs</h2><table><thead><tr><th>LSOA</th><th>Name</th>{}<th class=\"n\">IMD rank (national)</th><th class=\"n\">IMD decile</th><th class=\"n\">IDACI decile</th><th class=\"n\">Population</th><th class=\"n\">Children</th><th class=\"n\">Income-deprived children</th></tr></thead><tbody>",
        if p.kind == PlaceKind::District { "<th>Ward (by centroid)</th>" } else { "" }
    );
    for l in &p.most_deprived {
        let n = |x: Option<f64>| opt(x.map(whole));
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td>{}<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&l.code),
            escape(&l.name),
            if p.kind == PlaceKind::District {
                format!("<td>{}</td>", escape(l.ward.as_deref().unwrap_or("–")))
            } else {
                String::new()
            },
            n(l.imd_rank),
            n(l.imd_decile),
            n(l.idaci_decile),
            n(l.population),
            n(l.children),
            n(l.children_income_deprived)
        );
    }
    o.push_str("</tbody></table>");
}

fn children(o: &mut String, p: &LocalityProfile) {
    let _ = write!(
        o,
        "<h2>Children and child poverty (MSOA-level)</h2><p class=\"small\">{} {}</p>",
        escape(&p.child_poverty_note),
        escape(&p.msoa_note)
    );
    o.push_str("<table><thead><tr><th>MSOA</th><th>Name</th><th class=\"n\">FYE 2015</th><th class=\"n\">FYE 2022 (p)</th><th class=\"n\">Change</th><th class=\"n\">Per 100 children 0-15 (mid-2015)</th><th class=\"n\">LSOAs here</th></tr></thead><tbody>");
    for m in &p.msoas {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} of {}</td></tr>",
            escape(&m.code),
            escape(&m.name),
            opt(m.fye2015.map(whole)),
            opt(m.fye2022.map(whole)),
            opt(m.change.map(|c| format!("{}{}", if c > 0.0 { "+" } else { "" }, whole(c)))),
            opt(m.rate.map(|r| format!("{r:.1}"))),
            m.lsoas_in_place,
            m.lsoas
        );
    }
    o.push_str("</tbody></table>");
}

fn gp_access(o: &mut String, p: &LocalityProfile) {
    let _ = write!(
        o,
        "<h2>GP access: people more than {} minutes from the nearest GP</h2><table><thead><tr><th>Mode</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>How the times were made</th></tr></thead><tbody>",
        p.minutes,
        escape(&p.name),
        escape(&p.county.name)
    );
    for m in &p.gp_modes {
        let find = |r: &crate::model::SummaryRow| {
            r.gp_beyond
                .iter()
                .find(|g| g.mode == m.mode)
                .map(|g| match g.people {
                    Some(_) => count_share(g.people, g.share_people),
                    None => format!("{} LSOAs", g.lsoas),
                })
        };
        let how = match (&m.method, &m.absent_reason) {
            (Some(method), _) if m.estimate => {
                format!(
                    "<span class=\"estimate\">ESTIMATE</span> ({})",
                    escape(method)
                )
            }
            (Some(method), _) => escape(method),
            (None, Some(why)) => format!("not available: {}", escape(why)),
            (None, None) => "not available".into(),
        };
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{how}</td></tr>",
            escape(&m.title),
            opt(find(&p.place)),
            opt(find(&p.county))
        );
    }
    o.push_str("</tbody></table>");
}

fn sources(o: &mut String, p: &LocalityProfile) {
    o.push_str("<h2>Sources, vintages and methods</h2><ul class=\"small\">");
    for s in &p.sources {
        let _ = write!(
            o,
            "<li><b>{}</b> — {}; {}. {}</li>",
            escape(&s.title),
            escape(&s.vintage),
            escape(&s.licence),
            escape(&s.attribution)
        );
    }
    let osm = p
        .gp_modes
        .iter()
        .any(|m| matches!(m.method.as_deref(), Some("network") | Some("mixed")));
    if osm {
        o.push_str("<li>Road and path networks © OpenStreetMap contributors, ODbL 1.0.</li>");
    }
    let _ = write!(o, "<li>{}</li>", escape(&p.method));
    for n in &p.notes {
        let _ = write!(o, "<li>{}</li>", escape(n));
    }
    o.push_str("<li>Made with needsmap. Data under the Open Government Licence v3.0 unless stated.</li></ul>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_numbers_grouped() {
        assert_eq!(escape("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;");
        assert_eq!(whole(1234567.4), "1,234,567");
        assert_eq!(whole(-1000.0), "-1,000");
        assert_eq!(whole(999.0), "999");
    }
}
