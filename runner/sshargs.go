package runner

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/shlex"
)

// ignoredSSHOptions are ssh -o options that change nothing gansible's own
// SSH client does: it keeps one connection per host for the run (the
// Control* options), and its keep-alives, ciphers and logging are its own.
var ignoredSSHOptions = map[string]bool{
	"controlmaster": true, "controlpersist": true, "controlpath": true,
	"serveraliveinterval": true, "serveralivecountmax": true, "tcpkeepalive": true,
	"compression": true, "loglevel": true, "batchmode": true, "checkhostip": true,
	"hashknownhosts": true, "updatehostkeys": true, "addkeystoagent": true,
	"identitiesonly": true, "gssapiauthentication": true, "gssapidelegatecredentials": true,
	"preferredauthentications": true, "passwordauthentication": true,
	"pubkeyauthentication": true, "kbdinteractiveauthentication": true,
	"challengeresponseauthentication": true, "connectionattempts": true,
	"visualhostkey": true, "requesttty": true,
}

// ignoredSSHFlags are ssh flags without a value that mean nothing to
// gansible's client: quiet, verbose, compression, no tty, IPv4/6 choice.
var ignoredSSHFlags = map[string]bool{"-q": true, "-v": true, "-vv": true, "-vvv": true, "-C": true, "-T": true, "-t": true, "-tt": true, "-4": true, "-6": true, "-n": true, "-N": true}

// applySSHArgs applies the ssh arguments Ansible would pass to ssh: the
// options that say how to reach and check the host (ProxyJump, -J,
// ProxyCommand, Port, -p, User, -l, IdentityFile, -i, ConnectTimeout,
// UserKnownHostsFile, StrictHostKeyChecking, -F). As in ssh, the first
// value of an option wins: with first, an option overrides what Ansible's
// variables set; otherwise it only fills what they leave unset. Anything
// else is an error rather than an option silently dropped.
func applySSHArgs(o *connection.SSHOptions, args string, first bool) error {
	words, err := shlex.Split(args)
	if err != nil {
		return fmt.Errorf("cannot split %q: %v", args, err)
	}
	seen := map[string]bool{}
	for i := 0; i < len(words); i++ {
		w := words[i]
		value := func() (string, error) {
			if len(w) > 2 {
				return w[2:], nil
			}
			if i+1 >= len(words) {
				return "", fmt.Errorf("option %s needs a value", w)
			}
			i++
			return words[i], nil
		}
		var key, v string
		switch {
		case ignoredSSHFlags[w]:
			continue
		case strings.HasPrefix(w, "-o"):
			opt, err := value()
			if err != nil {
				return err
			}
			k, val, ok := strings.Cut(opt, "=")
			if !ok {
				k, val, ok = strings.Cut(strings.TrimSpace(opt), " ")
			}
			if !ok {
				return fmt.Errorf("bad ssh option %q", opt)
			}
			key, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(val)
		case len(w) >= 2 && strings.Contains("JplFi", w[1:2]) && w[0] == '-':
			val, err := value()
			if err != nil {
				return err
			}
			key = map[byte]string{'J': "proxyjump", 'p': "port", 'l': "user", 'F': "configfile", 'i': "identityfile"}[w[1]]
			v = val
		default:
			return fmt.Errorf("the ssh argument %q is not supported by gansible", w)
		}
		if ignoredSSHOptions[key] {
			continue
		}
		// ssh keeps the first value of an option (IdentityFile adds up).
		if seen[key] && key != "identityfile" && key != "userknownhostsfile" {
			continue
		}
		seen[key] = true
		if err := applySSHOption(o, key, v, first); err != nil {
			return err
		}
	}
	return nil
}

func applySSHOption(o *connection.SSHOptions, key, v string, first bool) error {
	switch key {
	case "proxyjump":
		if o.ProxyJump == "" && o.ProxyCommand == "" {
			o.ProxyJump = v
		}
	case "proxycommand":
		if o.ProxyJump == "" && o.ProxyCommand == "" {
			o.ProxyCommand = v
		}
	case "port":
		port, err := strconv.Atoi(v)
		if err != nil || port <= 0 || port > 65535 {
			return fmt.Errorf("bad port %q", v)
		}
		if first || o.Port == 0 {
			o.Port = port
		}
	case "user":
		if first || o.User == "" {
			o.User = v
		}
	case "identityfile":
		o.PrivateKeyFiles = append(o.PrivateKeyFiles, expandHome(v))
	case "connecttimeout":
		secs, err := strconv.Atoi(v)
		if err != nil || secs <= 0 {
			return fmt.Errorf("bad ConnectTimeout %q", v)
		}
		if first {
			o.Timeout = time.Duration(secs) * time.Second
		}
	case "configfile":
		o.SSHConfigFile = expandHome(v)
	case "userknownhostsfile":
		for _, f := range strings.Fields(v) {
			o.KnownHostsFiles = append(o.KnownHostsFiles, expandHome(strings.Trim(f, `"'`)))
		}
	case "stricthostkeychecking":
		switch strings.ToLower(v) {
		case "no", "off":
			o.HostKeyChecking = false
		case "accept-new":
			// Checking known keys while adding new ones to known_hosts
			// is not something gansible's client does yet; neither
			// checking nothing nor refusing new keys is what was asked.
			return fmt.Errorf("StrictHostKeyChecking=accept-new is not supported by gansible (yes or no are)")
		case "yes", "ask":
			if first {
				o.HostKeyChecking = true
			}
		default:
			return fmt.Errorf("bad StrictHostKeyChecking %q", v)
		}
	default:
		return fmt.Errorf("the ssh option %q is not supported by gansible", key)
	}
	return nil
}
