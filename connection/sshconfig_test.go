package connection

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSSHConfigLookup(t *testing.T) {
	cfg, err := loadSSHConfig(filepath.Join("testdata", "sshconfig", "config"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		host string
		want hostConfig
	}{
		{"web01", hostConfig{HostName: "%h.example.test", User: "webadmin", Port: 2201, IdentityFiles: []string{"~/.ssh/global_key", "/keys/web01"}}},
		{"web99", hostConfig{User: "fallback", Port: 22, IdentityFiles: []string{"~/.ssh/global_key"}}},
		{"WEB02", hostConfig{HostName: "%h.example.test", User: "webadmin", Port: 2201, IdentityFiles: []string{"~/.ssh/global_key"}}},
		{"web100", hostConfig{User: "fallback", Port: 22, IdentityFiles: []string{"~/.ssh/global_key"}}},
		{"db-main", hostConfig{HostName: "10.0.0.5", User: "db user", Port: 22, IdentityFiles: []string{"~/.ssh/global_key", "/keys/%r@%h"}}},
		{"a.internal", hostConfig{User: "ops", Port: 2222, IdentityFiles: []string{"~/.ssh/global_key"}}},
		{"bastion", hostConfig{User: "ops", Port: 2222, IdentityFiles: []string{"~/.ssh/global_key"}}},
		{"included", hostConfig{HostName: "included.example.test", User: "fallback", Port: 2300, IdentityFiles: []string{"~/.ssh/global_key"}}},
	} {
		got, err := cfg.lookup(tc.host)
		if err != nil {
			t.Fatalf("%s: %v", tc.host, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("lookup(%q) = %+v, want %+v", tc.host, got, tc.want)
		}
	}
}

func TestSSHConfigMissingFile(t *testing.T) {
	cfg, err := loadSSHConfig(filepath.Join(t.TempDir(), "none"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := cfg.lookup("x"); !reflect.DeepEqual(got, hostConfig{}) {
		t.Errorf("lookup = %+v, want nothing", got)
	}
}

func TestSSHConfigErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Host a\n  Port ssh\n", "cfg:2: bad port"},
		{"Host\n", "cfg:1: Host needs"},
		{"User \"unterminated\n", "cfg:1: unterminated quote"},
	} {
		cfg, err := parseSSHConfig(strings.NewReader(tc.text), "cfg")
		if err == nil {
			_, err = cfg.lookup("a")
		}
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want prefix %q", tc.text, err, tc.want)
		}
	}
}

func TestMatchHostPatterns(t *testing.T) {
	for _, tc := range []struct {
		patterns string
		host     string
		want     bool
	}{
		{"*", "anything", true},
		{"web?", "web1", true},
		{"web?", "web10", false},
		{"*.example.com", "a.example.com", true},
		{"*.example.com", "example.com", false},
		{"* !secret", "secret", false},
		{"!secret *", "secret", false},
		{"* !secret", "public", true},
		{"!secret", "public", false}, // a negation alone matches nothing
		{"Host1", "host1", true},
		{"10.0.0.*", "10.0.0.7", true},
	} {
		if got := matchHostPatterns(strings.Fields(tc.patterns), tc.host); got != tc.want {
			t.Errorf("match(%q, %q) = %v, want %v", tc.patterns, tc.host, got, tc.want)
		}
	}
}

func TestExpandTokens(t *testing.T) {
	tokens := map[byte]string{'h': "host.test", 'r': "root", 'p': "22"}
	for in, want := range map[string]string{
		"/keys/%r@%h": "/keys/root@host.test",
		"100%%":       "100%",
		"%x stays":    "%x stays",
		"trailing %":  "trailing %",
		"no tokens":   "no tokens",
		"%h:%p":       "host.test:22",
	} {
		if got := expandTokens(in, tokens); got != want {
			t.Errorf("expandTokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolveMergesConfig(t *testing.T) {
	home, _ := os.UserHomeDir()
	config := filepath.Join("testdata", "sshconfig", "config")
	for _, tc := range []struct {
		name      string
		opts      SSHOptions
		wantAddr  string
		wantUser  string
		wantFirst string // first key file
	}{
		{"config fills in", SSHOptions{InventoryName: "web01"}, "web01.example.test:2201", "webadmin", filepath.Join(home, ".ssh/global_key")},
		{"explicit wins", SSHOptions{InventoryName: "web01", User: "me", Port: 2022, PrivateKeyFiles: []string{"/k"}}, "web01.example.test:2022", "me", "/k"},
		{"ansible_host is what matches", SSHOptions{InventoryName: "web01", Host: "db-1"}, "10.0.0.5:22", "db user", filepath.Join(home, ".ssh/global_key")},
		{"tokens in IdentityFile", SSHOptions{Host: "db-1", User: "u"}, "10.0.0.5:22", "u", filepath.Join(home, ".ssh/global_key")},
		{"ipv6", SSHOptions{Host: "::1", Port: 2200}, "[::1]:2200", "fallback", filepath.Join(home, ".ssh/global_key")},
	} {
		tc.opts.SSHConfigFile = config
		got, err := resolve(tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got.addr != tc.wantAddr || got.user != tc.wantUser || got.creds.keyFiles[0] != tc.wantFirst {
			t.Errorf("%s: addr %s user %s keys %v; want %s %s %s", tc.name, got.addr, got.user, got.creds.keyFiles, tc.wantAddr, tc.wantUser, tc.wantFirst)
		}
	}
	got, _ := resolve(SSHOptions{Host: "db-1", User: "u", SSHConfigFile: config})
	if want := "/keys/u@10.0.0.5"; got.creds.keyFiles[1] != want {
		t.Errorf("IdentityFile tokens: %v, want second %s", got.creds.keyFiles, want)
	}
}
