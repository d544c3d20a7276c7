package modules

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
)

// TestRPMKeyURL fetches keys from a loopback server on the local machine
// in check mode (nothing is imported): a key that is not imported would
// be, a body that is no key and a missing one fail as the module does.
// gpg and rpm work in scratch homes, and rpm only queries.
func TestRPMKeyURL(t *testing.T) {
	for _, tool := range []string{"rpm", "gpg", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	home := t.TempDir()
	t.Setenv("GNUPGHOME", home)
	gen := exec.Command("gpg", "--batch", "--passphrase", "", "--quick-generate-key", "rpm key test <test@gansible.invalid>", "ed25519", "sign", "never")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Skipf("gpg cannot make a key here: %v\n%s", err, out)
	}
	key, err := exec.Command("gpg", "--batch", "--armor", "--export", "test@gansible.invalid").Output()
	if err != nil {
		t.Fatal(err)
	}
	// The key's own home must not be what the module lists against, and
	// rpm's database (~/.rpmdb on Debian) is a scratch one.
	t.Setenv("GNUPGHOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/key.asc":
			w.Write(key)
		case "/notakey":
			w.Write([]byte("hello\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	c := testContext(t, nil)
	c.CheckMode = true
	for _, tc := range []struct {
		url, msg string
		changed  bool
	}{
		{url: srv.URL + "/key.asc", changed: true},
		{url: srv.URL + "/notakey", msg: "Not a public key: " + srv.URL + "/notakey"},
		{url: srv.URL + "/missing", msg: "failed to fetch key at " + srv.URL + "/missing , error was: HTTP Error 404: Not Found"},
		{url: "ftp://127.0.0.1/key", msg: "only http and https URLs are supported"},
	} {
		res := runModule(t, c, "rpm_key", Args{"key": tc.url})
		if tc.msg == "" {
			if res.Failed || res.Changed != tc.changed {
				t.Errorf("%s: failed=%v changed=%v msg=%q", tc.url, res.Failed, res.Changed, res.Msg)
			}
			continue
		}
		if !res.Failed || !strings.Contains(res.Msg, tc.msg) {
			t.Errorf("%s: failed=%v msg=%q, want %q", tc.url, res.Failed, res.Msg, tc.msg)
		}
	}
}
