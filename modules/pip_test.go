package modules

import (
	"slices"
	"testing"
)

// The expectations are Python's packaging (pkg_resources.Requirement and
// its specifier's contains with prereleases=True).
func TestPipSpecifierContains(t *testing.T) {
	for _, tc := range []struct {
		req, version string
		want         bool
	}{
		{"a>=1.0", "1.0", true},
		{"a>=1.0", "0.9", false},
		{"a>=1.0,<2", "1.5", true},
		{"a>=1.0,<2", "2.0", false},
		{"a<2", "2.0rc1", false},
		{"a<2rc2", "2.0rc1", true},
		{"a>1.0", "1.0.post1", false},
		{"a>1.0", "1.0.1", true},
		{"a>1.0", "1.0+local", false},
		{"a==1.0", "1.0.0", true},
		{"a==1.0", "1.0+local", true},
		{"a==1.0+local", "1.0", false},
		{"a==1.*", "1.4.2", true},
		{"a==1.*", "2.0", false},
		{"a!=1.*", "2.0", true},
		{"a~=1.4", "1.9", true},
		{"a~=1.4", "2.0", false},
		{"a~=1.4.2", "1.4.9", true},
		{"a~=1.4.2", "1.5", false},
		{"a<=1.0", "1.0.dev1", true},
		{"a>=1.0a1", "1.0.dev1", false},
		{"a>=1!0.1", "5.0", false},
		{"a===1.0", "1.0", true},
		{"a===1.0", "1.0.0", false},
	} {
		p := parsePipPackage(tc.req, "")
		got, err := p.presentIn([]string{"a==" + tc.version})
		if err != nil || got != tc.want {
			t.Errorf("%s contains %s = %v, %v; want %v", tc.req, tc.version, got, err, tc.want)
		}
	}
}

func TestPipPackageNames(t *testing.T) {
	if got, want := recoverPipNames([]string{"django>1.11.1", "<1.11.3", "ipaddress", "simpleproject>1.1.0", "<2.0.0"}),
		[]string{"django>1.11.1,<1.11.3", "ipaddress", "simpleproject>1.1.0,<2.0.0"}; !slices.Equal(got, want) {
		t.Errorf("recoverPipNames = %q, want %q", got, want)
	}
	for _, tc := range []struct{ name, version, want string }{
		{"Foo_Bar >= 1.0 , < 2", "", "Foo_Bar<2,>=1.0"},
		{"foo[b,a]", "", "foo[a,b]"},
		{"foo", "1.0", "foo==1.0"},
		{"foo", ">=1.0", "foo>=1.0"},
		{"git+https://example.invalid/x.git", "", "git+https://example.invalid/x.git"},
		{"./dist/x.tar.gz", "", "./dist/x.tar.gz"},
	} {
		if got := parsePipPackage(tc.name, tc.version).String(); got != tc.want {
			t.Errorf("Package(%q, %q) = %q, want %q", tc.name, tc.version, got, tc.want)
		}
	}
	if p := parsePipPackage("Foo_Bar.baz", ""); p.name != "foo-bar-baz" {
		t.Errorf("canonical name %q", p.name)
	}
}
