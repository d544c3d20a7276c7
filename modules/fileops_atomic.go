package modules

// The host side of writing a file, shared by every module that writes one
// (copy, template, lineinfile, unarchive's upload): nothing half-written may
// ever be left where a playbook or a service would read it.
//
// The content goes to a temporary file beside the target, named
// ".<name>.gansible-tmp-<pid>.XXXXXX" after the target and the writing
// shell's process id: hidden, and with no suffix a directory read by
// pattern (cron.d, sudoers.d, conf.d/*.conf) would pick up. Only once the
// host has checked that file's length and sha1 against what the controller
// sent, and flushed it to disk, does it get its owner and mode and replace
// the target with rename(2). A transfer cut short (the controller killed,
// the connection lost) fails the check, and the script's traps remove the
// temporary file; one whose writer died before its traps could run is
// removed by the next write to the same target, which removes every such
// file of a process that no longer exists.

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/gansible/gansible/shell"
)

// atomicWriteFunctions are the sh functions of a write script.
//
// gansible_sweep PREFIX RMFLAGS removes what PREFIX<pid>.* names for every
// pid that is not a live process (nor, reused, the sweeping shell itself).
//
// gansible_verify FILE SIZE SHA1 checks FILE's length and sha1, printing
// "@short GOT WANT", "@sum GOT WANT" or "@nosum" and failing on a mismatch.
//
// gansible_sync FILE flushes FILE to disk: GNU and busybox sync take files,
// dd conv=fsync is the next best, a whole sync the POSIX fallback.
const atomicWriteFunctions = `LC_ALL=C; export LC_ALL
gansible_sweep() {
	for f in "$1"*; do
		p=${f#"$1"}; p=${p%%.*}
		case $p in ''|*[!0-9]*) continue ;; esac
		if [ "$p" != "$$" ] && { [ -d "/proc/$p" ] || kill -0 "$p" 2>/dev/null; }; then continue; fi
		rm $2 -- "$f"
	done
}
gansible_verify() {
	n=$(wc -c < "$1") || return 1
	n=$((n))
	[ "$n" = "$2" ] || { echo "@short $n $2"; return 1; }
	if command -v sha1sum >/dev/null 2>&1; then s=$(sha1sum < "$1")
	elif command -v openssl >/dev/null 2>&1; then s=$(openssl dgst -sha1 -r < "$1")
	else echo @nosum; return 1; fi
	s=${s%% *}
	[ "$s" = "$3" ] || { echo "@sum $s $3"; return 1; }
}
gansible_sync() {
	sync -- "$1" 2>/dev/null || dd if=/dev/null of="$1" conv=notrunc,fsync 2>/dev/null || sync
}
`

// trapScript removes the file or directory named by the variable v when
// the script ends for any reason but success, which empties v. A signal
// becomes an exit so that the EXIT trap runs.
func trapScript(v, rmFlags string) string {
	return `trap '[ -z "$` + v + `" ] || rm ` + rmFlags + ` -- "$` + v + `"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM
`
}

// maxTempName bounds the target's name inside a temporary file's name, so
// that the latter stays within NAME_MAX (255 bytes).
const maxTempName = 200

// tempPrefix is what the temporary files of writes to dest start with,
// the writer's pid following. It never starts with "-".
func tempPrefix(dest string) string {
	dir, name := path.Split(dest)
	switch {
	case dir == "":
		dir = "./"
	case !strings.HasPrefix(dir, "/") && !strings.HasPrefix(dir, "./"):
		dir = "./" + dir
	}
	if len(name) > maxTempName {
		name = name[:maxTempName]
	}
	return dir + "." + name + ".gansible-tmp-"
}

// atomicWrite is one file to write on the host, as the host sees it.
type atomicWrite struct {
	Dest     string
	Size     int64  // the length the new content must have
	SHA1     string // its sha1, in hex
	CopyFrom string // a host file to copy instead of reading stdin
	Chown    string // a command setting "$t"'s owner and group; "" for none
	Mode     uint32 // the new file's permission bits
	Validate string // a command checking "$t", with %s for its path
	Backup   bool   // keep a timestamped copy of the old file
	Prelude  string // sh commands run first, such as creating Dest's directory
}

// script returns the sh script that writes w. On success it prints the
// backup's path ("@backup PATH", when one was made) and Dest's "@stat"
// line; a failed validation prints "@validate RC" and exits 0; a failed
// check prints gansible_verify's line and exits non-zero, as does a
// temporary file that cannot be made beside Dest ("@notemp").
func (w atomicWrite) script() string {
	var b strings.Builder
	b.WriteString(atomicWriteFunctions)
	if w.Prelude != "" {
		b.WriteString("{ " + w.Prelude + "\n} || exit 1\n")
	}
	pre := shell.Quote(tempPrefix(w.Dest))
	dest := shell.Quote(w.Dest)
	b.WriteString("pre=" + pre + "\n")
	b.WriteString(`gansible_sweep "$pre" -f` + "\n")
	b.WriteString("t=\n" + trapScript("t", "-f"))
	b.WriteString(`t=$(mktemp -- "$pre$$.XXXXXX") || { echo @notemp; exit 1; }` + "\n")

	receive := `cat > "$t"`
	if w.CopyFrom != "" {
		receive = `cp -- ` + shell.Quote(w.CopyFrom) + ` "$t"`
	}
	steps := []string{
		receive,
		`gansible_verify "$t" ` + shell.Join(strconv.FormatInt(w.Size, 10), w.SHA1),
		`gansible_sync "$t"`,
	}
	if w.Chown != "" {
		steps = append(steps, w.Chown)
	}
	steps = append(steps, fmt.Sprintf(`chmod -- %04o "$t"`, w.Mode))
	if w.Validate != "" {
		check := strings.ReplaceAll(w.Validate, "%s", `"$t"`)
		steps = append(steps, `{ `+check+`; vrc=$?; [ $vrc = 0 ] || { echo "@validate $vrc"; exit 0; }; }`)
	}
	if w.Backup {
		steps = append(steps,
			`bk=`+dest+`.$$.$(date +%Y-%m-%d@%H:%M:%S~)`,
			`cp -p -- `+dest+` "$bk"`,
			`echo "@backup $bk"`)
	}
	steps = append(steps, `mv -f -- "$t" `+dest, `t=`, statLine(w.Dest))
	b.WriteString(strings.Join(steps, " &&\n") + "\n")
	return b.String()
}

// uploadScript receives size bytes with the given sha1 on stdin into a
// fresh temporary directory's file "$src", checked as a write is. The
// directory is named after key, and a leftover of an earlier, killed
// upload with the same key is removed first. Unless the caller's script
// ends by emptying "$up", the directory is removed when it exits.
func uploadScript(key string, size int64, sum string) string {
	pre := `"${TMPDIR:-/tmp}"/` + shell.Quote(".gansible-upload-"+key+"-")
	return atomicWriteFunctions +
		"pre=" + pre + "\n" +
		`gansible_sweep "$pre" -rf` + "\n" +
		"up=\n" + trapScript("up", "-rf") +
		`up=$(mktemp -d -- "$pre$$.XXXXXX") || exit 1` + "\n" +
		`src="$up/source" && cat > "$src" && gansible_verify "$src" ` +
		shell.Join(strconv.FormatInt(size, 10), sum) + " || exit 1\n"
}

// verifyFailure reads gansible_verify's line in a failed write's output
// into the task's error, "Failed to write WHAT: why; AFTER"; nil when the
// output has none.
func verifyFailure(what, after, out string) error {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		var why string
		switch {
		case len(f) == 3 && f[0] == "@short":
			why = fmt.Sprintf("the host received %s bytes, not %s", f[1], f[2])
			if got, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				if want, err := strconv.ParseInt(f[2], 10, 64); err == nil && got < want {
					why += " (the transfer was cut short)"
				}
			}
		case len(f) == 3 && f[0] == "@sum":
			why = fmt.Sprintf("the received file's sha1 is %s, not %s", f[1], f[2])
		case len(f) == 1 && f[0] == "@nosum":
			why = "the host has neither sha1sum nor openssl to check the received file"
		default:
			continue
		}
		return failf("Failed to write %s: %s; %s", what, why, after)
	}
	return nil
}
