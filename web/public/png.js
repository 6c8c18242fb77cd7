// "Download PNG": the map canvas (kept readable by preserveDrawingBuffer) composed with the
// title, the legend and the attribution, so the picture can go straight onto a slide and still
// say what it shows, where the data came from and under which licence.

function wrap(ctx, text, maxWidth) {
  const words = String(text).split(/\s+/);
  const lines = [];
  let line = '';
  for (const w of words) {
    const t = line ? `${line} ${w}` : w;
    if (ctx.measureText(t).width > maxWidth && line) {
      lines.push(line);
      line = w;
    } else {
      line = t;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function box(ctx, x, y, w, h) {
  ctx.save();
  ctx.shadowColor = 'rgba(0,0,0,0.18)';
  ctx.shadowBlur = 8;
  ctx.fillStyle = 'rgba(255,255,255,0.94)';
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, 6);
  ctx.fill();
  ctx.restore();
}

/**
 * Returns a PNG data URL of the map with overlays.
 * @param {HTMLCanvasElement} mapCanvas
 * @param {{title:string, subtitle:string, legend:{colour:string,label:string}[], legendTitle:string,
 *          source:string, attribution:string[]}} info
 */
export function composePng(mapCanvas, info) {
  const W = mapCanvas.width;
  const H = mapCanvas.height;
  const s = Math.max(1, W / mapCanvas.clientWidth || 1); // device pixel ratio of the map canvas
  const out = document.createElement('canvas');
  const font = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
  const ctx = out.getContext('2d');
  // attribution strip height depends on wrapped text
  ctx.font = `${11 * s}px ${font}`;
  const attrLines = info.attribution.flatMap((a) => wrap(ctx, a, W - 24 * s));
  const stripH = (attrLines.length * 15 + 12) * s;
  out.width = W;
  out.height = H + stripH;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(mapCanvas, 0, 0);

  // title
  ctx.font = `600 ${17 * s}px ${font}`;
  const titleW = ctx.measureText(info.title).width;
  ctx.font = `${12 * s}px ${font}`;
  const subLines = info.subtitle ? wrap(ctx, info.subtitle, 420 * s) : [];
  const subW = Math.max(0, ...subLines.map((l) => ctx.measureText(l).width));
  const tw = Math.max(titleW, subW) + 24 * s;
  const th = (30 + subLines.length * 16) * s;
  box(ctx, 12 * s, 12 * s, tw, th);
  ctx.fillStyle = '#1b2430';
  ctx.font = `600 ${17 * s}px ${font}`;
  ctx.fillText(info.title, 24 * s, 35 * s);
  ctx.font = `${12 * s}px ${font}`;
  ctx.fillStyle = '#3d4754';
  subLines.forEach((l, i) => ctx.fillText(l, 24 * s, (53 + i * 16) * s));

  // legend
  const rows = info.legend;
  ctx.font = `${12 * s}px ${font}`;
  const srcLines = wrap(ctx, info.source, 260 * s);
  const labelW = Math.max(...rows.map((r) => ctx.measureText(r.label).width), ...srcLines.map((l) => ctx.measureText(l).width));
  const lw = Math.max(180 * s, labelW + 54 * s);
  const lh = (34 + rows.length * 18 + srcLines.length * 15 + 8) * s;
  const lx = 12 * s;
  const ly = H - lh - 12 * s;
  box(ctx, lx, ly, lw, lh);
  ctx.fillStyle = '#1b2430';
  ctx.font = `600 ${13 * s}px ${font}`;
  ctx.fillText(info.legendTitle, lx + 12 * s, ly + 22 * s);
  ctx.font = `${12 * s}px ${font}`;
  rows.forEach((r, i) => {
    const y = ly + (32 + i * 18) * s;
    ctx.fillStyle = r.colour;
    ctx.fillRect(lx + 12 * s, y, 22 * s, 14 * s);
    ctx.strokeStyle = 'rgba(0,0,0,0.25)';
    ctx.lineWidth = s;
    ctx.strokeRect(lx + 12 * s, y, 22 * s, 14 * s);
    ctx.fillStyle = '#1b2430';
    ctx.fillText(r.label, lx + 42 * s, y + 11 * s);
  });
  ctx.fillStyle = '#56606c';
  srcLines.forEach((l, i) => ctx.fillText(l, lx + 12 * s, ly + (32 + rows.length * 18 + 14 + i * 15) * s));

  // attribution strip
  ctx.fillStyle = '#f3f4f6';
  ctx.fillRect(0, H, W, stripH);
  ctx.fillStyle = '#3d4754';
  ctx.font = `${11 * s}px ${font}`;
  attrLines.forEach((l, i) => ctx.fillText(l, 12 * s, H + (18 + i * 15) * s));
  return out.toDataURL('image/png');
}
