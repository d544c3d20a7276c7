#!/usr/bin/env bash
# Writes to stdout a small SVG plot of bench-scale's CSV: control-side
# CPU per host-task (ms, log scale) against hosts (log scale), one line
# per tool, from the idempotent runs.
#
#   scripts/plot-scale.sh bench/scale.csv > bench/scale.svg
set -euo pipefail
awk -F, '
function lx(v) { return 60 + (log(v) - log(xmin)) / (log(xmax) - log(xmin)) * 400 }
function ly(v) { return 230 - (log(v) - log(ymin)) / (log(ymax) - log(ymin)) * 200 }
NR > 1 && $3 == "idempotent" { n++; tool[n] = $1; x[n] = $2; y[n] = $9 + 0 }
END {
	xmin = 1; xmax = 1000; ymin = 0.1; ymax = 1000
	print "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"500\" height=\"280\" font-family=\"sans-serif\" font-size=\"11\">"
	print "<rect width=\"500\" height=\"280\" fill=\"white\"/>"
	print "<text x=\"250\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">control-side CPU per host-task (ms), idempotent run</text>"
	for (v = 1; v <= xmax; v *= 10) printf "<line x1=\"%.1f\" y1=\"30\" x2=\"%.1f\" y2=\"230\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"245\" text-anchor=\"middle\">%d</text>\n", lx(v), lx(v), lx(v), v
	for (v = ymin; v <= ymax * 1.01; v *= 10) printf "<line x1=\"60\" y1=\"%.1f\" x2=\"460\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"55\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", ly(v), ly(v), ly(v) + 4, v
	print "<text x=\"260\" y=\"265\" text-anchor=\"middle\">hosts (forks = hosts)</text>"
	colour["gansible"] = "#1f77b4"; colour["ansible-playbook"] = "#d62728"
	for (t in colour) {
		pts = ""
		for (i = 1; i <= n; i++) if (tool[i] == t && y[i] > 0) {
			pts = pts sprintf("%.1f,%.1f ", lx(x[i]), ly(y[i]))
			printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", lx(x[i]), ly(y[i]), colour[t]
		}
		if (pts != "") printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", pts, colour[t]
	}
	print "<text x=\"470\" y=\"60\" fill=\"#1f77b4\" text-anchor=\"end\">gansible</text>"
	print "<text x=\"470\" y=\"75\" fill=\"#d62728\" text-anchor=\"end\">ansible-playbook</text>"
	print "</svg>"
}' "$1"
