package modules

import (
	"os"
	"path"
	"strings"

	"github.com/gansible/gansible/modules/argspec"
	"github.com/gansible/gansible/shell"
	"github.com/gansible/gansible/shlex"
	"github.com/gansible/gansible/vault"
)

func init() { Register("script", scriptModule{}) }

// scriptModule is ansible.builtin.script: a script of the controller,
// found as a "files" source, is uploaded into a fresh temporary
// directory on the host (checked for length and sha1 before it may run),
// run there, and removed, as Ansible's script action does.
//
// As in Ansible, the words after the script's name are shell text: they
// reach the host's shell as written. The script's own path, the
// executable and chdir are quoted.
type scriptModule struct{}

func (scriptModule) Spec() *argspec.Spec {
	return &argspec.Spec{FreeForm: true, Params: []argspec.Param{
		{Name: "free_form"},
		{Name: "cmd"},
		{Name: "chdir"},
		{Name: "creates"},
		{Name: "removes"},
		{Name: "executable"},
		{Name: "decrypt", Type: argspec.Bool, Default: true},
	}}
}

// scriptSkip is the action's AnsibleActionSkip, whose result says
// failed: false.
func scriptSkip(msg string) *Result {
	r := &Result{Skipped: true, Msg: msg}
	r.Set("failed", false)
	return r
}

// splitFirstWord cuts s (trimmed) after its first shell word, as
// shlex.split reads it: quotes and backslashes do not end the word.
func splitFirstWord(s string) (word, rest string) {
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote == '\'':
			if ch == '\'' {
				quote = 0
			}
		case quote == '"':
			if ch == '\\' {
				i++
			} else if ch == '"' {
				quote = 0
			}
		case ch == '\\':
			i++
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			return s[:i], s[i:]
		}
	}
	return s, ""
}

func (scriptModule) Run(c *Context, args Args) (*Result, error) {
	raw := args.String("_raw_params")
	if cmd := args.String("cmd"); cmd != "" {
		if raw != "" {
			return Failf("The 'cmd' argument cannot be used when other raw parameters are specified. Please put everything in one or the other place."), nil
		}
		raw = cmd
	}
	if raw == "" {
		raw = args.String("free_form")
	}
	raw = strings.TrimSpace(raw)
	creates, removes := args.String("creates"), args.String("removes")
	if creates != "" || removes != "" {
		var b strings.Builder
		if creates != "" {
			b.WriteString("if [ -e " + shell.Quote(creates) + " ]; then echo @creates; exit 0; fi\n")
		}
		if removes != "" {
			b.WriteString("if [ ! -e " + shell.Quote(removes) + " ]; then echo @removes; exit 0; fi\n")
		}
		b.WriteString("echo @run\n")
		r, err := c.Run(b.String(), nil)
		if err != nil {
			return nil, err
		}
		switch strings.TrimSpace(string(r.Stdout)) {
		case "@creates":
			return scriptSkip(creates + " exists, matching creates option"), nil
		case "@removes":
			return scriptSkip(removes + " does not exist, matching removes option"), nil
		case "@run":
		default:
			return Failf("failed to check creates/removes on the host: %s", trimOutput(r.Stderr)), nil
		}
	}
	chdir := args.String("chdir")
	if chdir != "" && !strings.HasPrefix(chdir, "/") {
		return Failf("chdir %s must be an absolute path for a Unix-aware remote node", chdir), nil
	}
	first, rest := splitFirstWord(raw)
	parts, err := shlex.Split(first)
	if err != nil || len(parts) == 0 {
		return Failf("no script given"), nil
	}
	found, err := c.FindFile("files", parts[0])
	if err != nil {
		return finish(nil, sourceNotFound(err))
	}
	var body []byte
	if decrypt, _ := args["decrypt"].(bool); decrypt {
		body, err = vault.ReadRealFile(found)
	} else {
		body, err = os.ReadFile(found)
	}
	if err != nil {
		return Failf("%s", err.Error()), nil
	}
	if c.CheckMode {
		if creates != "" || removes != "" {
			return &Result{Changed: true}, nil
		}
		return scriptSkip("Check mode is not supported for this task."), nil
	}
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	sum := sha1Hex(body)
	var b strings.Builder
	b.WriteString(uploadScript(sha1Hex([]byte(c.Host + "\x00" + sum))[:16], int64(len(body)), sum))
	name := path.Base(found)
	b.WriteString(`s="$up"/` + shell.Quote(name) + ` && mv -f -- "$src" "$s" && chmod -- u+x "$s" || exit 1` + "\n")
	b.WriteString("printf '%s\\n' " + nonce + "\n")
	var cmd strings.Builder
	if chdir != "" {
		cmd.WriteString("cd -- " + shell.Quote(chdir) + " && ")
	}
	if exe := args.String("executable"); exe != "" {
		cmd.WriteString(shell.Quote(exe) + " ")
	}
	cmd.WriteString(`"$s"` + rest)
	// The script runs in a subshell so that its exit status, and not the
	// removal's, is the command's; its stdin is empty, as in Ansible.
	b.WriteString("(\n" + cmd.String() + "\n) </dev/null\nrc=$?\nrm -rf -- \"$up\"; up=\nexit $rc\n")

	r, err := c.Run(b.String(), body)
	if err != nil {
		return nil, err
	}
	out := string(r.Stdout)
	head, body2, ok := strings.Cut(out, "\n")
	if !ok || head != nonce {
		if err := verifyFailure("the script "+parts[0]+" to the host", "it did not run", out); err != nil {
			return finish(nil, err)
		}
		return Failf("failed to upload the script %s: %s", parts[0], trimOutput(r.Stderr)), nil
	}
	res := &Result{Changed: true}
	res.Set("rc", r.ExitCode)
	setOutput(res, body2, string(r.Stderr))
	if r.ExitCode != 0 {
		res.Failed = true
		res.Msg = "non-zero return code"
		// Ansible's AnsibleActionFail records the traceback of no
		// exception.
		res.Set("exception", "NoneType: None\n")
	}
	return res, nil
}
