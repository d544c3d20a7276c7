package yamlvalue

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gansible/gansible/difftest"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
)

func TestYAML11Scalars(t *testing.T) {
	tests := []struct {
		src  string
		want any
	}{
		{"yes", true}, {"No", false}, {"on", true}, {"OFF", false}, {"true", true},
		{"y", "y"}, {"'yes'", "yes"}, {"!!str yes", "yes"},
		{"0644", 420}, {"644", 644}, {"0x1f", 31}, {"1_000", 1000}, {"-3", -3},
		{"1.5", 1.5}, {"~", nil}, {"", nil}, {"null", nil},
		{"abc", "abc"}, {"1.2.3", "1.2.3"}, {"'0644'", "0644"},
		{"!unsafe '{{ x }}'", value.Unsafe{V: "{{ x }}"}},
	}
	for _, tt := range tests {
		node, err := Parse("t.yml", []byte("v: "+tt.src))
		if err != nil {
			t.Fatalf("%q: %v", tt.src, err)
		}
		got, err := Decode("t.yml", node)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := got.(*value.Dict).Get("v"); !reflect.DeepEqual(v, tt.want) {
			t.Errorf("%q: got %#v, want %#v", tt.src, v, tt.want)
		}
	}
}

func TestSyntaxErrorNamesFileAndLine(t *testing.T) {
	_, err := Parse("site.yml", []byte("- hosts: all\n  tasks:\n   - x: [\n"))
	if err == nil {
		t.Fatal("no error")
	}
	e, ok := err.(*Error)
	if !ok || e.Pos.File != "site.yml" || e.Pos.Line == 0 {
		t.Fatalf("error %v has no position", err)
	}
}

// TestMappingOrder checks that mappings keep the order of the source, with
// PyYAML's rules for "<<": merged keys first, the mapping's own keys win.
// The expected texts are Python's repr of yaml.safe_load.
func TestMappingOrder(t *testing.T) {
	tests := []struct{ src, want string }{
		{"zeta: 1\nalpha: {y: 2, x: 3}\nmid: [{b: 1, a: 2}]\n", "{'zeta': 1, 'alpha': {'y': 2, 'x': 3}, 'mid': [{'b': 1, 'a': 2}]}"},
		{"a: &a {x: 1, z: 0}\nb:\n  <<: *a\n  y: 2\n", "{'a': {'x': 1, 'z': 0}, 'b': {'x': 1, 'z': 0, 'y': 2}}"},
		{"a: &a {x: 1, z: 0}\nb:\n  y: 2\n  z: 5\n  <<: *a\n", "{'a': {'x': 1, 'z': 0}, 'b': {'x': 1, 'z': 5, 'y': 2}}"},
		{"b: 1\na: 2\nb: 3\n", "{'b': 3, 'a': 2}"},
	}
	for _, tt := range tests {
		node, err := Parse("t.yml", []byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode("t.yml", node)
		if err != nil {
			t.Fatal(err)
		}
		if r := value.Repr(got); r != tt.want {
			t.Errorf("%q: got %s, want %s", tt.src, r, tt.want)
		}
	}
}

// TestParseFileBounds covers documents Ansible's loader rejects or reads as
// empty, and alias expansion beyond the budget.
func TestParseFileBounds(t *testing.T) {
	tests := []struct {
		file    string
		wantNil bool
		wantErr string // substring of the error, with its position
	}{
		{file: "alias_bomb.yml", wantErr: "alias_bomb.yml:7:4: YAML aliases expand to more than"},
		{file: "two_documents.yml", wantErr: "two_documents.yml:2:1: We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: Expecting value: line 1 column 1 (char 0)\n\nSyntax Error while loading YAML.\n  but found another document"},
		{file: "null_document.yml", wantNil: true},
		{file: "small_aliases.yml"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			node, err := ParseFile(filepath.Join("testdata", tt.file))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (node == nil) != tt.wantNil {
				t.Fatalf("node %v, want nil: %v", node, tt.wantNil)
			}
			if node != nil {
				if _, err := Decode(tt.file, node); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// A document of only null is an empty file, as PyYAML loads it (None).
func TestParseNullDocument(t *testing.T) {
	for _, src := range []string{"", "---", "---\n", "~", "null\n", "# c\n---\n...\n"} {
		n, err := Parse("t.yml", []byte(src))
		if err != nil || n != nil {
			t.Errorf("Parse(%q) = %v, %v; want no node", src, n, err)
		}
	}
	if n, err := Parse("t.yml", []byte("'null'")); err != nil || n == nil {
		t.Errorf("Parse('null' quoted) = %v, %v; want a string node", n, err)
	}
}

func TestVaultTag(t *testing.T) {
	enc, err := vault.Encrypt([]byte("p {{ x }}"), []byte("pw"), "")
	if err != nil {
		t.Fatal(err)
	}
	src := "a: !vault |\n  " + strings.ReplaceAll(strings.TrimSpace(string(enc)), "\n", "\n  ") + "\n"
	decode := func() any {
		t.Helper()
		n, err := Parse("v.yml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		v, err := Decode("v.yml", n)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := v.(*value.Dict).Get("a")
		return a
	}
	defer vault.SetDefault(nil)

	vault.SetDefault(&vault.Keyring{Secrets: []vault.Secret{{ID: vault.DefaultID, Password: []byte("pw")}}})
	if got, ok := decode().(value.Unsafe); !ok || got.V != "p {{ x }}" {
		t.Errorf("with the secret: %#v, want the plaintext, not to be templated", got)
	}

	// Without the right secret the value is decrypted when used, as
	// Ansible's lazy vault value: unused, it does no harm.
	vault.SetDefault(&vault.Keyring{Secrets: []vault.Secret{{ID: vault.DefaultID, Password: []byte("other")}}})
	lazy, ok := decode().(*VaultValue)
	if !ok {
		t.Fatalf("with a wrong secret: %#v, want a *VaultValue", lazy)
	}
	if _, err := lazy.Value(); err == nil || err.Error() != "Decryption failed (no vault secrets were found that could decrypt)" {
		t.Errorf("Value() error = %v", err)
	}
	vault.SetDefault(&vault.Keyring{Secrets: []vault.Secret{{ID: vault.DefaultID, Password: []byte("pw")}}})
	if v, err := lazy.Value(); err != nil || v.(value.Unsafe).V != "p {{ x }}" {
		t.Errorf("Value() once the secret is known = %v, %v", v, err)
	}
}

// TestSyntaxErrorPlaces checks that a syntax error is placed and worded
// as Ansible's loader places and words it (testdata/syntax_errors.txtar,
// recorded from ansible-core 2.14's AnsibleLoader).
func TestSyntaxErrorPlaces(t *testing.T) {
	data, err := os.ReadFile("testdata/syntax_errors.txtar")
	if err != nil {
		t.Fatal(err)
	}
	ar := difftest.ParseArchive(data)
	files := map[string][]byte{}
	for _, f := range ar.Files {
		files[f.Name] = f.Data
	}
	for _, f := range ar.Files {
		name, ok := strings.CutSuffix(f.Name, ".yml")
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			want := strings.TrimSpace(string(files[name+".want"]))
			_, err := Parse(f.Name, f.Data)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse: %v, want an *Error", err)
			}
			problem := e.Msg[strings.LastIndex(e.Msg, "\n")+1:]
			problem = strings.TrimPrefix(problem, "  ")
			if got := fmt.Sprintf("%d:%d %s", e.Pos.Line, e.Pos.Col, problem); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}
