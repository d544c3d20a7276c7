package connection

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/gansible/gansible/shell"
)

// becomePlan is how to run one command: the command line, whether it needs
// a terminal, what to feed it once it runs, and how to recognise the
// become method's prompt and success.
type becomePlan struct {
	line  string
	tty   bool
	stdin io.Reader

	method   string // "" without become
	user     string
	password string
	// marker is the line the command prints on stdout as soon as become has
	// succeeded: until then the output is the become method's, and stdin is
	// held back so that no byte of it can be taken for a password.
	marker []byte
	// prompts finds password prompts in the become method's output.
	prompts *regexp.Regexp
}

// suPrompt matches the password prompt of su in the common locales.
var suPrompt = regexp.MustCompile(`(?i)(password|passwort|contraseña|mot de passe|senha|wachtwoord|hasło|lösenord|adgangskode|passord|salasana|heslo|jelszó|parola|пароль|密码|密碼|パスワード|암호)( for [^:]*)? ?[:：]`)

// planBecome works out how to run cmd as become says.
func planBecome(cmd string, stdin io.Reader, become *Become) (becomePlan, error) {
	if err := checkNUL(cmd, become); err != nil {
		return becomePlan{}, err
	}
	if become == nil {
		return becomePlan{line: cmd, stdin: stdin}, nil
	}
	p := becomePlan{
		method:   become.Method,
		user:     become.User,
		password: become.Password,
		stdin:    stdin,
	}
	if p.method == "" {
		p.method = "sudo"
	}
	if p.user == "" {
		p.user = "root"
	}
	// sudo -u and su take the user as a plain word: one that starts
	// with "-" would be read as an option.
	if strings.HasPrefix(p.user, "-") {
		return becomePlan{}, &BecomeError{Msg: fmt.Sprintf("become_user %q starts with \"-\": refused, %s would read it as an option", p.user, p.method)}
	}
	exe := become.Exe
	if exe == "" {
		exe = p.method
	}
	key, err := randomKey()
	if err != nil {
		return becomePlan{}, err
	}
	p.marker = []byte("GANSIBLE-BECOME-SUCCESS-" + key)
	announce := "echo " + string(p.marker) + "; "

	var line strings.Builder
	switch p.method {
	case "sudo":
		prompt := "[gansible-become-password-" + key + "]"
		p.prompts = regexp.MustCompile(regexp.QuoteMeta(prompt))
		line.WriteString(shell.Quote(exe) + " -H -S")
		if p.password == "" {
			// Without a password, fail at once rather than prompt.
			line.WriteString(" -n")
		}
		line.WriteString(" -p " + shell.Quote(prompt))
		if become.Flags != "" {
			line.WriteString(" " + become.Flags)
		}
		line.WriteString(" -u " + shell.Quote(p.user) + " /bin/sh -c " + shell.Quote(announce+cmd))
	case "su", "doas":
		// su and doas read the password from a terminal only. On a
		// terminal stdin would be cooked by the line discipline, so the
		// command switches it to raw mode before announcing itself, and
		// reads exactly the length of stdin: a raw terminal has no end of
		// file. doas's prompt, "doas (user@host) password:", reads as su's.
		p.tty = true
		p.prompts = suPrompt
		inner := "stty raw -echo 2>/dev/null; " + announce
		if stdin != nil {
			data, err := io.ReadAll(stdin)
			if err != nil {
				return becomePlan{}, fmt.Errorf("reading stdin: %w", err)
			}
			p.stdin = bytes.NewReader(data)
			inner += "head -c " + strconv.Itoa(len(data)) + " | /bin/sh -c " + shell.Quote(cmd)
		} else {
			inner += "/bin/sh -c " + shell.Quote(cmd) + " </dev/null"
		}
		line.WriteString(shell.Quote(exe))
		if become.Flags != "" {
			line.WriteString(" " + become.Flags)
		}
		if p.method == "doas" {
			// Ansible's doas plugin: doas FLAGS -u USER SHELL -c CMD.
			line.WriteString(" -u " + shell.Quote(p.user) + " /bin/sh -c " + shell.Quote(inner))
			break
		}
		line.WriteString(" " + shell.Quote(p.user) + " -c " + shell.Quote("/bin/sh -c "+shell.Quote(inner)))
	default:
		return becomePlan{}, &BecomeError{Msg: "become method " + p.method + " is not supported"}
	}
	p.line = line.String()
	return p, nil
}

// checkNUL refuses a command line with a NUL byte in it. Every command
// line, served or not, over SSH or local, is planned here before anything
// is sent: sshd refuses an exec request with a NUL (which would look like
// a broken connection), and no argument of a process can hold one. The
// become password is not checked: it goes on stdin.
func checkNUL(cmd string, become *Become) error {
	fields := []struct{ name, value string }{{"command", cmd}}
	if become != nil {
		fields = append(fields, []struct{ name, value string }{
			{"become user", become.User}, {"become executable", become.Exe}, {"become flags", become.Flags},
		}...)
	}
	for _, f := range fields {
		i := strings.IndexByte(f.value, 0)
		if i < 0 {
			continue
		}
		from, to := max(0, i-30), min(len(f.value), i+30)
		return &CommandError{Msg: fmt.Sprintf("embedded null byte in the %s, which cannot be passed to the host: %q", f.name, f.value[from:to])}
	}
	return nil
}

func randomKey() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("become: %w", err)
	}
	return hex.EncodeToString(b), nil
}
