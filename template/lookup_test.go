package template

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLookups(t *testing.T) {
	play, err := filepath.Abs("testdata/lookup/play")
	if err != nil {
		t.Fatal(err)
	}
	vars := MapVars{
		"playbook_dir": play,
		"role_path":    filepath.Join(play, "roles/r"),
		"who":          "{{ name }}",
		"name":         "world",
	}
	fixed := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	e := New(Options{Now: func() time.Time { return fixed }})
	cases := []struct{ tmpl, want string }{
		{"{{ lookup('file', 'a.txt') }}", "role file"},
		{"{{ lookup('file', 'b.txt') }}", "play file"},
		{"{{ lookup('file', 'c.txt') }}", "top"},
		{"{{ lookup('file', 'a.txt', 'b.txt') }}", "role file,play file"},
		{"{{ lookup('template', 't.j2') }}", "Hello world!\n"},
		{"{{ lookup('template', 't.j2', template_vars={'who': 'there'}) }}", "Hello there!\n"},
		{"{{ lookup('first_found', ['missing.txt', 'b.txt']) | basename }}", "b.txt"},
		{"{{ query('file', 'c.txt') }}", "['top']"},
		{"{{ lookup('file', 'c.txt', wantlist=True) }}", "['top']"},
		{"{{ lookup('vars', 'who') }}", "world"},
		{"{{ vars['who'] }}", "world"},
		{"{{ lookup('sequence', 'start=1 end=3 format=n%02d', wantlist=True) }}", "['n01', 'n02', 'n03']"},
		{"{{ lookup('sequence', 'start=9223372036854775806 end=9223372036854775807', wantlist=True) }}", "['9223372036854775806', '9223372036854775807']"},
		{"{{ lookup('sequence', 'start=5 end=1 stride=-2', wantlist=True) }}", "['5', '3', '1']"},
		{"{{ lookup('sequence', 'start=0 count=3 stride=4', wantlist=True) }}", "['0', '4', '8']"},
		{"{{ now(fmt='%Y-%m-%d %H:%M:%S') }}", "2024-05-06 07:08:09"},
		{"{{ now(true) }}", "2024-05-06 07:08:09"},
		{"{{ now().year }} {{ now().strftime('%H:%M') }} {{ now() | type_debug }}", "2024 07:08" + " datetime"},
		{"{{ (now() - ('2024-05-06 07:00:00' | to_datetime)).seconds }}", "489"},
	}
	for _, c := range cases {
		got, err := e.Render("t", c.tmpl, vars)
		if err != nil {
			t.Errorf("%s: %v", c.tmpl, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.tmpl, got, c.want)
		}
	}
	if _, err := e.Render("t", "{{ lookup('file', 'nope.txt') }}", vars); err == nil {
		t.Error("missing file: want an error")
	}
	// The template module searches the role's templates/; a playbook
	// string only the playbook's directory, as Ansible's environment.
	search := []string{filepath.Join(play, "roles/r/templates")}
	got, err := e.RenderFile("main.j2", "[{% include 'part.j2' %}]", vars, FileOptions{SearchPath: search})
	if err != nil || got != "[WORLD]" {
		t.Errorf("include = %q, %v", got, err)
	}
	if got, err := e.Render("main.j2", "[{% include 'part.j2' %}]", vars); err == nil {
		t.Errorf("include from a playbook string found the role's template: %q", got)
	}
	if got, err := e.Render("s", "[{% include 'c.txt' %}]", vars); err != nil || got != "[top]" {
		t.Errorf("include from a playbook string = %q, %v", got, err)
	}
}

// TestMoreLookups checks lookups against the results ansible-playbook
// 2.14 gives for the same terms and files.
func TestMoreLookups(t *testing.T) {
	play, err := filepath.Abs("testdata/lookup/play")
	if err != nil {
		t.Fatal(err)
	}
	vars := MapVars{
		"playbook_dir": play,
		"users": []any{
			map[string]any{"name": "a", "keys": []any{"k1", "k2"}, "sub": map[string]any{"l": []any{"x"}}},
			map[string]any{"name": "b", "keys": []any{"k3"}},
			map[string]any{"name": "c"},
		},
	}
	inventory := map[string][]string{"all": {"h1", "h2", "h3"}, "all:!h2": {"h1", "h3"}, "web": {"h3"}}
	e := New(Options{
		MatchHosts: func(pattern string) ([]string, error) { return inventory[pattern], nil },
		Setting: func(name string) (any, bool) {
			v, ok := map[string]any{"DEFAULT_FORKS": 5, "DEFAULT_REMOTE_USER": nil}[name]
			return v, ok
		},
	})
	cases := []struct{ tmpl, want string }{
		{"{{ lookup('ini', 'user', file='settings.ini') }}", "alice"},
		{"{{ lookup('ini', 'path', file='settings.ini') }}|{{ lookup('ini', 'pct', file='settings.ini') }}", "/srv/app|50%"},
		{"{{ lookup('ini', 'multi', file='settings.ini') }}", "first\nsecond\n\nthird"},
		{"[{{ lookup('ini', 'empty', file='settings.ini') }}] {{ lookup('ini', 'nokey', file='settings.ini', default='dflt') }}", "[] dflt"},
		{"{{ lookup('ini', 'host', section='db', file='settings.ini') }} {{ lookup('ini', 'base', section='db', file='settings.ini') }}", "db1.example.com /srv"},
		{"{{ query('ini', 'user_.*', section='db', file='settings.ini', re=True) }}", "['dbuser', 'secret']"},
		{"{{ lookup('ini', 'user.name', type='properties', file='app.properties') }} {{ lookup('ini', 'user.home', type='properties', file='app.properties') }}", "bob /home/bob"},
		{"{{ lookup('ini', 'Path', file='settings.ini', case_sensitive=True) }} {{ lookup('ini', 'port section=db file=settings.ini') }}", "/srv/app 5432"},
		{"{{ lookup('csvfile', 'bob', file='users.tsv') }}|{{ lookup('csvfile', 'alice', file='users.tsv', col=2) }}", "1002|admin"},
		{"{{ lookup('csvfile', 'bob', file='users.csv', delimiter=',', col='2') }}|{{ lookup('csvfile', 'nobody', file='users.csv', delimiter=',', default='none') }}|{{ lookup('csvfile', 'bob file=users.csv delimiter=,') }}", "/bin/z,sh|none|1002"},
		{"{{ lookup('csvfile', 'nobody', file='users.csv', delimiter=',') }}", "[]"},
		{"{{ lookup('nested', ['a','b'], [1,2]) }} {{ query('nested', ['a','b'], [[1,2],[3]]) }}", "[['a', 1], ['a', 2], ['b', 1], ['b', 2]] [['a', 1, 2], ['a', 3], ['b', 1, 2], ['b', 3]]"},
		{"{{ query('together', [1,2,3], ['a','b']) }} {{ query('together', [1,2], [[3],[4]]) }}", "[[1, 'a'], [2, 'b'], [3, None]] [[1, 3], [2, 4]]"},
		{"{{ query('subelements', users, 'keys', {'skip_missing': True}) }}", "[({'name': 'a', 'sub': {'l': ['x']}}, 'k1'), ({'name': 'a', 'sub': {'l': ['x']}}, 'k2'), ({'name': 'b'}, 'k3')]"},
		{"{{ query('subelements', users, 'sub.l', {'skip_missing': True}) }}", "[({'keys': ['k1', 'k2'], 'name': 'a', 'sub': {}}, 'x')]"},
		{"{{ query('varnames', '^user') }} {{ query('varnames', 'nomatch') }}", "['users'] []"},
		{"{{ query('inventory_hostnames', 'all:!h2') }} {{ query('inventory_hostnames', 'web') }} {{ query('inventory_hostnames', 'nope') }}", "['h1', 'h3'] ['h3'] []"},
		{"{{ lookup('random_choice', 'a') }} {{ query('random_choice') }}", "a []"},
		{"{{ lookup('config', 'DEFAULT_FORKS') }} [{{ lookup('config', 'DEFAULT_REMOTE_USER') }}]", "5 []"},
	}
	for _, c := range cases {
		got, err := e.Render("t", c.tmpl, vars)
		if err != nil {
			t.Errorf("%s: %v", c.tmpl, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.tmpl, got, c.want)
		}
	}
	errorCases := []struct{ tmpl, want string }{
		// AnsibleLookupError reaches the task unwrapped.
		{"{{ lookup('ini', 'x', section='nosuch', file='settings.ini') }}", "No section 'nosuch' in settings.ini"},
		{"{{ query('subelements', users, 'keys') }}", "An unhandled exception occurred while running the lookup plugin 'subelements'. Error was a <class 'ansible.errors.AnsibleError'>, original message: could not find 'keys' key in iterated item '{'name': 'c'}'"},
		{"{{ lookup('nested') }}", "with_nested requires at least one element in the nested list"},
		{"{{ lookup('together') }}", "with_together requires at least one element in each list"},
		{"{{ lookup('varnames', '[') }}", "Unable to use \"[\" as a search parameter"},
		{"{{ lookup('config', 'NOPE') }}", "Unable to find setting NOPE"},
		{"{{ lookup('url', 'http://example.com') }}", "not supported"},
		{"{{ lookup('first_found', ['nope1', 'nope2']) }}", "No file was found when using first_found."},
	}
	for _, c := range errorCases {
		got, err := e.Render("t", c.tmpl, vars)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s = %q, %v; want an error containing %q", c.tmpl, got, err, c.want)
		}
	}
	if _, err := e.Render("t", "{{ lookup('ini', 'x', section='nosuch', file='settings.ini') }}", vars); err != nil && strings.Contains(err.Error(), "unhandled exception") {
		t.Errorf("ini's AnsibleLookupError is wrapped: %v", err)
	}
}

// TestPasswordLookup checks generated, kept and hashed passwords against
// ansible-playbook 2.14's for the same seeds and salt.
func TestPasswordLookup(t *testing.T) {
	dir := t.TempDir()
	vars := MapVars{"playbook_dir": dir}
	e := New(Options{})
	cases := []struct{ tmpl, want string }{
		{"{{ lookup('password', '/dev/null seed=myseed') }}", "0MuyBT:n9PJ04hAgLZXx"},
		{"{{ lookup('password', '/dev/null length=8 chars=digits seed=x') }}", "59971697"},
		{"{{ lookup('password', '/dev/null', seed='abc', length=12, chars=['ascii_lowercase', 'punctuation']) }}", "^,%@w{^wkrdn"},
		{"{{ lookup('password', '/dev/null seed=x chars=ascii_letters,,,digits length=10') }}", "NtLLDdV5xK"},
		{"{{ lookup('password', 'creds/pw1 seed=s1') }} {{ lookup('password', 'creds/pw1') }}", "bJ27qvwl0NuUd-3YgCQV bJ27qvwl0NuUd-3YgCQV"},
	}
	for _, c := range cases {
		got, err := e.Render("t", c.tmpl, vars)
		if err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.tmpl, got, err, c.want)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "creds/pw1"))
	if err != nil || string(data) != "bJ27qvwl0NuUd-3YgCQV\n" {
		t.Errorf("creds/pw1 = %q, %v", data, err)
	}
	if st, err := os.Stat(filepath.Join(dir, "creds/pw1")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("creds/pw1 mode: %v, %v", st, err)
	}
	// A kept password with its salt hashes as Ansible hashed it.
	if err := os.WriteFile(filepath.Join(dir, "creds/pw2"), []byte("r5ww8IsjD_PHSjCSZqHx salt=45mQRfIeMrwxjghs\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := e.Render("t", "{{ lookup('password', 'creds/pw2 encrypt=sha512_crypt') }}", vars)
	if want := "$6$rounds=656000$45mQRfIeMrwxjghs$AloJy2fUJIBr/RhnsW1t1b4zSWgUbAbDBEIYxZin5tiHDmSdXvirVHhFXnbKx6oBHmfrc3Diki2EjH.w1gQqG/"; err != nil || got != want {
		t.Errorf("encrypted = %q, %v; want %q", got, err, want)
	}
	// A new password to encrypt gets a salt kept beside it.
	if _, err := e.Render("t", "{{ lookup('password', 'creds/pw3 encrypt=sha512_crypt') }}", vars); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(filepath.Join(dir, "creds/pw3"))
	if !strings.Contains(string(data), " salt=") {
		t.Errorf("creds/pw3 = %q, want a salt", data)
	}
	if _, err := e.Render("t", "{{ lookup('password', '/dev/null nope=1') }}", vars); err == nil || !strings.Contains(err.Error(), "Unrecognized parameter(s) given to password lookup: nope") {
		t.Errorf("unknown parameter: %v", err)
	}
}
