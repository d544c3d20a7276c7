package template

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gansible/gansible/value"
)

// The password lookup: a password kept in a file on the controller,
// generated (at random, or from seed= as Python's random.Random would)
// the first time, optionally returned hashed.
func init() {
	lookups["password"] = lookupPassword
}

// pythonStrings are the attributes of Python's string module that chars=
// may name.
var pythonStrings = map[string]string{
	"ascii_letters":   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"ascii_lowercase": "abcdefghijklmnopqrstuvwxyz",
	"ascii_uppercase": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"digits":          "0123456789",
	"hexdigits":       "0123456789abcdefABCDEF",
	"octdigits":       "01234567",
	"punctuation":     "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
	"printable":       "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r\x0b\x0c",
	"whitespace":      " \t\n\r\x0b\x0c",
}

var passwordParams = map[string]bool{"length": true, "encrypt": true, "chars": true, "ident": true, "seed": true}

// passwordFiles serialises the hosts that read and write one file, as
// Ansible's lock file does between its processes.
var passwordFiles sync.Map // path -> *sync.Mutex

func lookupPassword(ev *evaluator, terms []any, kw map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		term := str(t)
		relpath, params := term, map[string]any{}
		if first, rest, ok := strings.Cut(term, " "); ok {
			words, inline := kvTerm(rest)
			relpath = first
			if words != "" {
				relpath += " " + words
				if !strings.HasPrefix(term, relpath) {
					return nil, errors.New("Unrecognized value after key=value parameters given to password lookup")
				}
			}
			var bad []string
			for k, v := range inline {
				if !passwordParams[k] {
					bad = append(bad, k)
				}
				params[k] = v
			}
			if len(bad) > 0 {
				return nil, fmt.Errorf("Unrecognized parameter(s) given to password lookup: %s", strings.Join(bad, ", "))
			}
		}
		for k, v := range kw {
			if !passwordParams[k] {
				return nil, fmt.Errorf("Unrecognized options to lookup: %s", k)
			}
			if _, inline := params[k]; !inline {
				params[k] = v
			}
		}
		length := 20
		if v, ok := params["length"]; ok {
			n, err := value.PyInt(v)
			if err != nil {
				return nil, err
			}
			length = n
		}
		if err := checkString(length); err != nil {
			return nil, err
		}
		specs := []any{"ascii_letters", "digits", ".,:-_"}
		switch c := params["chars"].(type) {
		case string:
			specs = nil
			if strings.Contains(c, ",,") {
				specs = append(specs, ",")
			}
			for _, s := range strings.Split(strings.ReplaceAll(c, ",,", ","), ",") {
				if s != "" {
					specs = append(specs, s)
				}
			}
		case []any:
			specs = c
		}
		var sb strings.Builder
		for _, s := range specs {
			if v, ok := pythonStrings[str(s)]; ok {
				sb.WriteString(v)
			} else {
				sb.WriteString(str(s))
			}
		}
		chars := []rune(strings.NewReplacer(`"`, "", "'", "").Replace(sb.String()))
		encrypt := ""
		if v, ok := params["encrypt"]; ok && v != nil {
			encrypt = str(v)
			if encrypt != "sha512_crypt" {
				return nil, fmt.Errorf("the password lookup's encrypt=%s is not supported by gansible (only sha512_crypt)", encrypt)
			}
		}
		if v, ok := params["ident"]; ok && v != nil {
			return nil, errors.New("the password lookup's ident= is not supported by gansible")
		}
		path := relpath
		if !filepath.IsAbs(path) {
			base := "."
			if dir, ok, _ := ev.lookupVar("playbook_dir"); ok {
				base = str(dir)
			}
			path = filepath.Join(base, path)
		}
		pw, err := passwordFromFile(path, length, chars, params["seed"], encrypt)
		if err != nil {
			return nil, err
		}
		out = append(out, pw)
	}
	return out, nil
}

// passwordFromFile reads the password (and salt) kept at path, or makes
// and keeps a new one.
func passwordFromFile(path string, length int, chars []rune, seed any, encrypt string) (string, error) {
	mu, _ := passwordFiles.LoadOrStore(path, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()

	devNull := path == "/dev/null"
	var password, salt string
	changed := false
	data, err := os.ReadFile(path)
	switch {
	case err == nil && !devNull:
		content := strings.TrimRight(string(data), " \t\r\n\x0b\x0c")
		password = content
		if i := strings.LastIndex(content, " salt="); i >= 0 {
			password, salt = content[:i], content[i+len(" salt="):]
			if j := strings.LastIndex(salt, " ident="); j >= 0 {
				return "", errors.New("the password lookup's ident= is not supported by gansible")
			}
		}
	case err == nil || os.IsNotExist(err):
		if len(chars) == 0 && length > 0 {
			return "", errors.New("Cannot choose from an empty sequence")
		}
		password, err = randomPassword(length, chars, seed)
		if err != nil {
			return "", err
		}
		changed = true
	default:
		return "", err
	}
	if encrypt != "" && salt == "" {
		salt = randomSalt(16)
		changed = true
	}
	if changed && !devNull {
		content := password
		if salt != "" {
			content += " salt=" + salt
		}
		if err := writePasswordFile(path, content+"\n"); err != nil {
			return "", err
		}
	}
	if encrypt != "" {
		return sha512Crypt(password, salt, 656000), nil
	}
	return password, nil
}

// randomPassword is ansible.utils.encrypt.random_password.
func randomPassword(length int, chars []rune, seed any) (string, error) {
	out := make([]rune, length)
	if seed != nil {
		r := newPyRandom(seed)
		for i := range out {
			out[i] = chars[r.below(len(chars))]
		}
		return string(out), nil
	}
	for i := range out {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
		if err != nil {
			return "", err
		}
		out[i] = chars[n.Int64()]
	}
	return string(out), nil
}

// writePasswordFile writes a mode 0600 file in a mode 0700 directory,
// through a temporary file beside it, so that no reader sees half of it.
func writePasswordFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
