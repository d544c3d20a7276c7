package modules

import (
	"strings"

	"github.com/gansible/gansible/shell"
)

// Ansible's command module expands each argument, and the chdir, creates
// and removes paths, on the host with Python's os.path.expandvars and then
// os.path.expanduser, in the module's own process. expandvars replaces
// $NAME and ${NAME} only when NAME is set in that process's environment
// and leaves everything else as written; the value is never read again.
// expanduser replaces a leading ~ (HOME, or the password entry of the
// user) or ~user (the user's password entry) up to the first slash.
//
// The controller cannot know the host's environment, so the references
// are found here, with Python's pattern, and the host only answers, for
// each name, whether its environment holds it and with what value. The
// answers come from awk's ENVIRON, which sees the environment and nothing
// else: the variables of the script itself and of sh ($IFS, $PPID,
// $OPTIND, ...) are not in it. No value is ever evaluated as shell code.

// expandPart is a piece of an argument: literal text, or a reference to
// the environment variable name, written as written.
type expandPart struct {
	literal string
	name    string
	written string
}

// splitVarRefs splits s at the matches of Python's expandvars pattern,
// \$(\w+|\{[^}]*\}) with re.ASCII.
func splitVarRefs(s string) []expandPart {
	var parts []expandPart
	lit := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		end, name := 0, ""
		switch {
		case isWordByte(s[i+1]):
			end = i + 2
			for end < len(s) && isWordByte(s[end]) {
				end++
			}
			name = s[i+1 : end]
		case s[i+1] == '{':
			close := strings.IndexByte(s[i+2:], '}')
			if close < 0 {
				continue
			}
			end = i + 2 + close + 1
			name = s[i+2 : end-1]
		default:
			continue
		}
		if lit < i {
			parts = append(parts, expandPart{literal: s[lit:i]})
		}
		parts = append(parts, expandPart{name: name, written: s[i:end]})
		lit = end
		i = end - 1
	}
	if lit < len(s) {
		parts = append(parts, expandPart{literal: s[lit:]})
	}
	return parts
}

// isWordByte is \w in Python's ASCII mode.
func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// needsExpansion says whether expandvars or expanduser may change s.
func needsExpansion(s string) bool {
	if strings.HasPrefix(s, "~") {
		return true
	}
	for _, p := range splitVarRefs(s) {
		if p.written != "" {
			return true
		}
	}
	return false
}

// expandFunctions are the sh functions the expansion code calls; all
// their variables start with gansible_. gansible_env NAME sets gansible_val
// to the environment's NAME, or fails when it is unset; when awk cannot
// tell, the script reports "NONCE expand NAME" and stops. gansible_pwhome 1
// NAME (or 3 UID) sets gansible_val to the home directory of that password
// entry, like Python's pwd.getpwnam (getpwuid). gansible_home applies
// expanduser to gansible_w.
const expandFunctions = `gansible_env() {
	gansible_val=$(awk -- 'BEGIN { if (ARGV[1] in ENVIRON) { printf "%s.", ENVIRON[ARGV[1]]; exit 0 } exit 1 }' "$1")
	case $? in
	0) gansible_val=${gansible_val%.} ;;
	1) return 1 ;;
	*) printf '%s expand %s\n' "$gansible_n" "$1"; exit 0 ;;
	esac
}
gansible_pwhome() {
	if command -v getent >/dev/null 2>&1; then
		gansible_pw=$(getent passwd -- "$2" 2>/dev/null) || return 1
	else
		gansible_pw=$(cat /etc/passwd 2>/dev/null) || return 1
	fi
	while IFS=: read -r gansible_f1 gansible_f2 gansible_f3 gansible_f4 gansible_f5 gansible_f6 gansible_f7; do
		case $1 in 1) [ "$gansible_f1" = "$2" ] ;; *) [ "$gansible_f3" = "$2" ] ;; esac && { gansible_val=$gansible_f6; return 0; }
	done <<gansible_EOF
$gansible_pw
gansible_EOF
	return 1
}
gansible_home() {
	case $gansible_w in "~"*) ;; *) return 0 ;; esac
	gansible_rest=${gansible_w#"~"}
	gansible_user=${gansible_rest%%/*}
	gansible_rest=${gansible_rest#"$gansible_user"}
	if [ -n "$gansible_user" ]; then
		gansible_pwhome 1 "$gansible_user" || return 0
	elif ! gansible_env HOME; then
		gansible_pwhome 3 "$(id -u)" || return 0
	fi
	while :; do case $gansible_val in */) gansible_val=${gansible_val%/} ;; *) break ;; esac; done
	gansible_w=$gansible_val$gansible_rest
	[ -n "$gansible_w" ] || gansible_w=/
}
`

// expandInto returns sh code that sets the variable v to s expanded as
// expanduser(expandvars(s)) in the host's environment, and whether s
// needs that at all (if not, the code is empty: use shell.Quote(s)).
func expandInto(v, s string) (string, bool) {
	if !needsExpansion(s) {
		return "", false
	}
	var b strings.Builder
	b.WriteString("gansible_w=\n")
	for _, p := range splitVarRefs(s) {
		if p.written == "" {
			b.WriteString("gansible_w=${gansible_w}" + shell.Quote(p.literal) + "\n")
			continue
		}
		b.WriteString("if gansible_env " + shell.Quote(p.name) + "; then gansible_w=${gansible_w}$gansible_val; else gansible_w=${gansible_w}" + shell.Quote(p.written) + "; fi\n")
	}
	b.WriteString("gansible_home\n" + v + "=$gansible_w\n")
	return b.String(), true
}
