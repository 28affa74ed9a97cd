#!/usr/bin/env bash
# Re-create book/_static/vendor/: the third-party browser files the built book serves itself
# (so no page asks another host for anything). Needs npm; the result is committed, so building
# the book does not. Bump a version here, run this, rebuild, run the browser test.
set -euo pipefail
MATHJAX=3.2.2
HTML_MANAGER=1.0.15   # @jupyter-widgets/html-manager, matches ipywidgets 8
REQUIREJS=2.3.8
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/book/_static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "mathjax@$MATHJAX" "@jupyter-widgets/html-manager@$HTML_MANAGER" "requirejs@$REQUIREJS" >/dev/null
for t in *.tgz; do mkdir "${t%.tgz}"; tar xzf "$t" -C "${t%.tgz}"; done
rm -rf "$dest"; mkdir -p "$dest/mathjax/output/chtml/fonts" "$dest/mathjax/input/tex" "$dest/html-manager"
mj="mathjax-$MATHJAX/package"
cp "$mj/es5/tex-chtml.js" "$dest/mathjax/"
cp -r "$mj/es5/output/chtml/fonts/woff-v2" "$dest/mathjax/output/chtml/fonts/"
cp -r "$mj/es5/input/tex/extensions" "$dest/mathjax/input/tex/"
cp "$mj/LICENSE" "$dest/mathjax/LICENSE"
hm="jupyter-widgets-html-manager-$HTML_MANAGER/package"
cp "$hm/dist/embed-amd.js" "$hm/dist"/*.woff "$hm/dist"/*.woff2 "$dest/html-manager/"
cp "$hm/dist/embed.js.LICENSE.txt" "$dest/html-manager/LICENSE.txt"
cp "requirejs-$REQUIREJS/package/require.js" "$dest/require.js"
cat > "$dest/VERSIONS" <<V
mathjax $MATHJAX (es5/tex-chtml.js, woff-v2 fonts, tex extensions)
@jupyter-widgets/html-manager $HTML_MANAGER (dist/embed-amd.js and its fonts)
requirejs $REQUIREJS (require.js)
V
du -sh "$dest"
