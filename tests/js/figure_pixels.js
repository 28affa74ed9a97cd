// For each tourlib figure on the page, count the drawn (non-blank) pixels in its Bokeh canvases.
// Bokeh renders inside shadow roots, so walk them. Returns [{id, canvases, drawn}].
() => {
  function canvasesUnder(node, out) {
    if (node.tagName === "CANVAS") out.push(node);
    const kids = node.shadowRoot ? [...node.shadowRoot.children, ...node.children] : [...node.children];
    for (const k of kids) canvasesUnder(k, out);
    return out;
  }
  return [...document.querySelectorAll("div.tourlib-figure")].map((fig) => {
    const canvases = canvasesUnder(fig, []);
    let drawn = 0;
    for (const c of canvases) {
      if (!c.width || !c.height) continue;
      const ctx = c.getContext("2d");
      if (!ctx) continue;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < data.length; i += 4) {
        const a = data[i + 3], white = data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245;
        if (a > 0 && !white) drawn++;
      }
    }
    return { id: fig.id, canvases: canvases.length, drawn };
  });
}
