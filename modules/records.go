package modules

import "strings"

// Probe scripts report what they found on the host as records, a format
// that carries any text, multi-line command output included, with nothing
// but printf and sed on the host:
//
//	@key
//	|first line of the value
//	|second line
//
// A key with no "|" lines has the empty value.

// recordFuncs defines the sh functions that write records: `rec KEY VALUE`
// and `CMD | recout KEY` (the command's output as the value). rec uses
// builtins only, as it is called many times on small values and a process
// costs a host far more than a loop; recout pipes through sed, which beats
// the shell's byte-at-a-time read on long output.
const recordFuncs = `rec_nl='
'
rec() {
	printf '@%s\n' "$1"
	rec_v=$2
	while :; do
		case $rec_v in
		*"$rec_nl"*) rec_l=${rec_v%%"$rec_nl"*}; rec_v=${rec_v#*"$rec_nl"}; printf '|%s\n' "$rec_l" ;;
		*) printf '|%s\n' "$rec_v"; return 0 ;;
		esac
	done
}
recout() { printf '@%s\n' "$1"; sed 's/^/|/'; }
`

// parseRecords reads records; lines outside a record are ignored.
func parseRecords(out string) map[string]string {
	recs := map[string]string{}
	var key string
	var lines []string
	flush := func() {
		if key != "" {
			recs[key] = strings.Join(lines, "\n")
		}
	}
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "@"):
			flush()
			key, lines = line[1:], nil
		case strings.HasPrefix(line, "|") && key != "":
			lines = append(lines, line[1:])
		}
	}
	flush()
	return recs
}
