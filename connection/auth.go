package connection

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"
)

// credentials are the ways to log in to one host, in the order they are
// tried: ssh-agent keys, private key files, then the password (also given
// to keyboard-interactive questions).
type credentials struct {
	agentSigners []ssh.Signer
	keyFiles     []string
	password     string
}

// authMethods returns the methods for an ssh.ClientConfig. All keys go into
// one publickey method: x/crypto tries each method name only once, so a
// second publickey method would never run.
func (c credentials) authMethods() ([]ssh.AuthMethod, error) {
	signers := append([]ssh.Signer(nil), c.agentSigners...)
	for _, file := range c.keyFiles {
		signer, err := loadKey(file)
		if err != nil {
			return nil, err
		}
		if signer != nil {
			signers = append(signers, signer)
		}
	}
	var methods []ssh.AuthMethod
	if len(signers) > 0 {
		methods = append(methods, ssh.PublicKeys(signers...))
	}
	if c.password != "" {
		password := c.password
		methods = append(methods,
			ssh.Password(password),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, echos []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range questions {
					if !echos[i] {
						answers[i] = password
					}
				}
				return answers, nil
			}))
	}
	return methods, nil
}

// loadKey reads a private key file. A key protected by a passphrase is
// skipped (nil, nil): there is no one to ask for the passphrase, and the
// agent or another key may still get in.
func loadKey(file string) (ssh.Signer, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	signer, err := ssh.ParsePrivateKey(pem)
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("private key %s: %w", file, err)
	}
	return signer, nil
}

// agentSigners returns the keys of the ssh-agent at SSH_AUTH_SOCK, and a
// function that closes the agent connection once authentication is over
// (signing needs it until then). No agent is no error.
func agentSigners() ([]ssh.Signer, func()) {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, func() {}
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, func() {}
	}
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		conn.Close()
		return nil, func() {}
	}
	return signers, func() { conn.Close() }
}

// hostKeyChecker checks host keys against known_hosts files.
type hostKeyChecker struct {
	files    []string
	callback ssh.HostKeyCallback // nil: no file exists, every host is unknown
}

func newHostKeyChecker(files []string) (*hostKeyChecker, error) {
	var existing []string
	var key strings.Builder
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			existing = append(existing, f)
			fmt.Fprintf(&key, "%s\x00%d\x00%d\x00", f, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	c := &hostKeyChecker{files: files}
	if len(existing) == 0 {
		return c, nil
	}
	cb, err := parsedKnownHosts(key.String(), existing)
	if err != nil {
		return nil, fmt.Errorf("known_hosts: %w", err)
	}
	c.callback = cb
	return c, nil
}

// knownHostsCache holds the parsed known_hosts files by their names,
// sizes and times: every host of a run checks its key against the same
// files, and parsing them for each host made connecting cost grow with
// the square of the hosts (a cluster's known_hosts names every host).
// A file that changes is parsed again.
var knownHostsCache struct {
	sync.Mutex
	key string
	cb  ssh.HostKeyCallback
}

func parsedKnownHosts(key string, files []string) (ssh.HostKeyCallback, error) {
	knownHostsCache.Lock()
	defer knownHostsCache.Unlock()
	if knownHostsCache.cb != nil && knownHostsCache.key == key {
		return knownHostsCache.cb, nil
	}
	cb, err := knownhosts.New(files...)
	if err != nil {
		return nil, err
	}
	knownHostsCache.key, knownHostsCache.cb = key, cb
	return cb, nil
}

// HostKeyError reports a host key that known_hosts does not vouch for.
type HostKeyError struct {
	Host    string // host:port as dialled
	Changed bool   // known_hosts holds other keys for the host
	Detail  string
}

func (e *HostKeyError) Error() string {
	if e.Changed {
		return "REMOTE HOST IDENTIFICATION HAS CHANGED for " + e.Host + ": " + e.Detail +
			"; remove the old key from known_hosts if the change is expected. Host key verification failed."
	}
	return "no host key is known for " + e.Host + " in " + e.Detail +
		"; add it to known_hosts or turn off host_key_checking. Host key verification failed."
}

// check is the ssh.HostKeyCallback.
func (c *hostKeyChecker) check(hostport string, remote net.Addr, key ssh.PublicKey) error {
	if c.callback == nil {
		return &HostKeyError{Host: hostport, Detail: strings.Join(c.files, ", ")}
	}
	err := c.callback(hostport, remote, key)
	var keyErr *knownhosts.KeyError
	var revoked *knownhosts.RevokedError
	switch {
	case errors.As(err, &keyErr) && len(keyErr.Want) == 0:
		return &HostKeyError{Host: hostport, Detail: strings.Join(c.files, ", ")}
	case errors.As(err, &keyErr):
		want := keyErr.Want[0]
		return &HostKeyError{Host: hostport, Changed: true, Detail: fmt.Sprintf(
			"the %s key offered does not match %s:%d", key.Type(), want.Filename, want.Line)}
	case errors.As(err, &revoked):
		return &HostKeyError{Host: hostport, Changed: true, Detail: fmt.Sprintf(
			"the key offered is revoked at %s:%d", revoked.Revoked.Filename, revoked.Revoked.Line)}
	}
	return err
}

// algorithms returns the host key algorithms for the keys known_hosts
// holds for hostport, so that the server is asked for a key that can be
// checked, as OpenSSH does. Nil means any.
func (c *hostKeyChecker) algorithms(hostport string, remote net.Addr) []string {
	if c.callback == nil {
		return nil
	}
	// Checking a key no file can hold lists the keys the files do hold.
	probe, _ := ssh.NewPublicKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public())
	var keyErr *knownhosts.KeyError
	if !errors.As(c.callback(hostport, remote, probe), &keyErr) {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	for _, k := range keyErr.Want {
		for _, a := range algorithmsForKeyType(k.Key.Type()) {
			if !seen[a] {
				seen[a] = true
				algos = append(algos, a)
			}
		}
	}
	return algos
}

func algorithmsForKeyType(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}
