package connection

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// sshConfig is the part of an OpenSSH client configuration (ssh_config(5))
// that gansible honours: HostName, User, Port, IdentityFile, ProxyJump and
// ProxyCommand, chosen by Host patterns. Match blocks never match: they need facts about the
// connection that OpenSSH only learns while connecting.
type sshConfig struct {
	blocks []configBlock
}

// configBlock is the settings under one Host line. Every pattern list in
// when must match the host for the block to apply: a block from an included
// file also carries the Host line the Include sat under.
type configBlock struct {
	when     [][]string
	never    bool // a Match block, or inside one
	settings []configSetting
}

type configSetting struct {
	key  string // lower case
	args []string
	pos  string // file:line, for errors
}

// hostConfig is what the configuration says about one host.
type hostConfig struct {
	HostName      string
	User          string
	Port          int
	IdentityFiles []string // raw: ~ and %-tokens are expanded by the caller
	// Proxy is the first of ProxyJump and ProxyCommand given, as in
	// OpenSSH, where the first one wins: ProxyJump's hosts, or the
	// command (raw: %-tokens are expanded by the caller).
	ProxyJump, ProxyCommand string
}

// maxIncludeDepth bounds Include recursion, as OpenSSH does.
const maxIncludeDepth = 16

// loadSSHConfig reads an OpenSSH client configuration file. A missing file
// is an empty configuration, as it is for ssh.
func loadSSHConfig(file string) (*sshConfig, error) {
	f, err := os.Open(file)
	if os.IsNotExist(err) {
		return &sshConfig{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseSSHConfig(f, file)
}

// parseSSHConfig reads a configuration from r; name is used in errors and
// to resolve relative Include paths.
func parseSSHConfig(r io.Reader, name string) (*sshConfig, error) {
	cfg := &sshConfig{}
	if err := cfg.read(r, name, configBlock{}, 0); err != nil {
		return nil, err
	}
	return cfg, nil
}

// read appends the blocks of one file. Lines before the file's first Host
// line belong to outer, the block the file was included from.
func (c *sshConfig) read(r io.Reader, name string, outer configBlock, depth int) error {
	if depth > maxIncludeDepth {
		return fmt.Errorf("%s: too many nested Include directives", name)
	}
	c.blocks = append(c.blocks, outer.reopen(nil))
	sc := bufio.NewScanner(r)
	for lineNo := 1; sc.Scan(); lineNo++ {
		pos := fmt.Sprintf("%s:%d", name, lineNo)
		key, args, err := splitConfigLine(sc.Text())
		if err != nil {
			return fmt.Errorf("%s: %w", pos, err)
		}
		switch key {
		case "":
		case "host":
			if len(args) == 0 {
				return fmt.Errorf("%s: Host needs at least one pattern", pos)
			}
			c.blocks = append(c.blocks, outer.reopen(args))
		case "match":
			block := outer.reopen(nil)
			block.never = true
			c.blocks = append(c.blocks, block)
		case "include":
			current := c.blocks[len(c.blocks)-1]
			if err := c.include(args, name, current, depth); err != nil {
				return fmt.Errorf("%s: %w", pos, err)
			}
			// Lines after the Include still belong to the current block.
			c.blocks = append(c.blocks, current.reopen(nil))
		default:
			last := &c.blocks[len(c.blocks)-1]
			last.settings = append(last.settings, configSetting{key: key, args: args, pos: pos})
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// reopen returns an empty block that applies when b does and, if patterns
// is not nil, the host also matches patterns.
func (b configBlock) reopen(patterns []string) configBlock {
	when := b.when[:len(b.when):len(b.when)]
	if patterns != nil {
		when = append(when, patterns)
	}
	return configBlock{when: when, never: b.never}
}

// include reads the files named by an Include directive into blocks that
// apply only where outer does. Relative paths are taken from the directory
// of the including file (~/.ssh for the user's configuration, as in
// OpenSSH).
func (c *sshConfig) include(args []string, from string, outer configBlock, depth int) error {
	for _, pattern := range args {
		pattern = expandHome(pattern)
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(filepath.Dir(from), pattern)
		}
		files, err := filepath.Glob(pattern)
		if err != nil {
			return fmt.Errorf("Include %s: %w", pattern, err)
		}
		for _, file := range files {
			if err := c.includeFile(file, outer, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *sshConfig) includeFile(file string, outer configBlock, depth int) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	return c.read(f, file, outer, depth)
}

// lookup returns the settings for host, the name given to ssh. As in
// OpenSSH, the first value found for a keyword wins, except IdentityFile,
// whose values all add up.
func (c *sshConfig) lookup(host string) (hostConfig, error) {
	var hc hostConfig
	seen := map[string]bool{}
	for _, b := range c.blocks {
		if !b.matches(host) {
			continue
		}
		for _, s := range b.settings {
			if s.key == "identityfile" {
				hc.IdentityFiles = append(hc.IdentityFiles, s.args...)
				continue
			}
			if seen[s.key] || len(s.args) == 0 {
				continue
			}
			seen[s.key] = true
			switch s.key {
			case "hostname":
				hc.HostName = s.args[0]
			case "user":
				hc.User = s.args[0]
			case "proxyjump", "proxycommand":
				if seen["proxyjump"] && seen["proxycommand"] {
					break // the other one came first
				}
				seen["proxyjump"], seen["proxycommand"] = true, true
				if s.key == "proxyjump" {
					hc.ProxyJump = s.args[0]
				} else {
					hc.ProxyCommand = strings.Join(s.args, " ")
				}
			case "port":
				port, err := strconv.Atoi(s.args[0])
				if err != nil || port <= 0 || port > 65535 {
					return hostConfig{}, fmt.Errorf("%s: bad port %q", s.pos, s.args[0])
				}
				hc.Port = port
			}
		}
	}
	return hc, nil
}

func (b configBlock) matches(host string) bool {
	if b.never {
		return false
	}
	for _, patterns := range b.when {
		if !matchHostPatterns(patterns, host) {
			return false
		}
	}
	return true
}

// matchHostPatterns reports whether host matches a Host line: at least one
// pattern matches and no negated (!) pattern does. Patterns compare case
// insensitively and may use * and ?.
func matchHostPatterns(patterns []string, host string) bool {
	host = strings.ToLower(host)
	matched := false
	for _, p := range patterns {
		negated := strings.HasPrefix(p, "!")
		p = strings.ToLower(strings.TrimPrefix(p, "!"))
		// path.Match treats [ and \ specially; OpenSSH patterns do not.
		if strings.ContainsAny(p, "[\\") {
			if p != host {
				continue
			}
		} else if ok, _ := path.Match(p, host); !ok {
			continue
		}
		if negated {
			return false
		}
		matched = true
	}
	return matched
}

// splitConfigLine splits one line into its lower-cased keyword and
// arguments. Keyword and arguments are separated by spaces or one "=";
// arguments may be double-quoted; "#" starts a comment.
func splitConfigLine(line string) (string, []string, error) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return "", nil, nil
	}
	end := strings.IndexAny(line, " \t=")
	if end < 0 {
		return strings.ToLower(line), nil, nil
	}
	key := strings.ToLower(line[:end])
	rest := strings.TrimLeft(line[end:], " \t")
	if strings.HasPrefix(rest, "=") {
		rest = strings.TrimLeft(rest[1:], " \t")
	}
	var args []string
	for rest != "" {
		var arg string
		if rest[0] == '#' {
			break
		}
		if rest[0] == '"' {
			closing := strings.IndexByte(rest[1:], '"')
			if closing < 0 {
				return "", nil, fmt.Errorf("unterminated quote in %q", line)
			}
			arg, rest = rest[1:closing+1], rest[closing+2:]
		} else {
			end := strings.IndexAny(rest, " \t")
			if end < 0 {
				end = len(rest)
			}
			arg, rest = rest[:end], rest[end:]
		}
		args = append(args, arg)
		rest = strings.TrimLeft(rest, " \t")
	}
	return key, args, nil
}

// expandHome replaces a leading ~/ with the user's home directory.
func expandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return p
	}
	return filepath.Join(home, p[1:])
}

// expandTokens replaces the %-tokens OpenSSH allows in IdentityFile: %h
// (host name), %p (port), %r (remote user), %u (local user), %d (local
// home), %n (host as given) and %% (a percent sign). Unknown tokens stay.
func expandTokens(s string, tokens map[byte]string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch v, ok := tokens[s[i]]; {
		case s[i] == '%':
			b.WriteByte('%')
		case ok:
			b.WriteString(v)
		default:
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// DefaultSSHConfigFile returns ~/.ssh/config, the file ssh reads, for
// SSHOptions.SSHConfigFile.
func DefaultSSHConfigFile() string {
	return expandHome("~/.ssh/config")
}
