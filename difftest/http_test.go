package difftest

// The HTTP cases (testdata/http) exercise get_url and uri against a
// loopback server this test starts: the plain case harness cannot start
// one. The server's answers are fixed (no Date header, a fixed
// Last-Modified), and its address is written @URL@ both in the case and
// in what the runs wrote, so a recording made on one port replays on
// another.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gansible/gansible/refenv"
)

const urlPlaceholder = "@URL@"

var suiteHTTP = suite{"http", judgeOutcome}

// httpModTime is the Last-Modified of the server's files: older than any
// file a run writes, so a conditional request for a downloaded file gets
// 304 Not Modified.
var httpModTime = time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)

// httpFiles are the files the server serves under /files/.
var httpFiles = map[string]string{
	"hello.txt":  "hello world\n",
	"data.csv":   "a,b\n1,2\n",
	"SHA256SUMS": "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447  hello.txt\n492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470 *./data.csv\n",
	"WRONGSUMS":  "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447  data.csv\n",
}

// newHTTPServer starts the deterministic loopback server of the cases.
func newHTTPServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/files/", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/files/")
		content, ok := httpFiles[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		http.ServeContent(w, r, name, httpModTime, strings.NewReader(content))
	})
	mux.HandleFunc("/api/item", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"name": "widget", "tags": ["a", "b"], "count": 3, "nested": {"ok": true}}`)
	})
	// /api/create echoes a JSON body it was POSTed, with 201 Created.
	mux.HandleFunc("/api/create", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		var body any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "a JSON body is needed", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Created-By", "loopback")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"created": body})
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/api/item", http.StatusFound)
	})
	// /api/form echoes a form it was POSTed, its Content-Type and a
	// header, as JSON.
	mux.HandleFunc("/api/form", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"form": r.PostForm, "type": r.Header.Get("Content-Type"), "x_token": r.Header.Get("X-Token")})
	})
	// /api/auth needs user "u" with password "p w".
	mux.HandleFunc("/api/auth", func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "u" || p != "p w" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "welcome\n")
	})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A nil Date keeps net/http from adding one: no dates in
		// compared fields.
		w.Header()["Date"] = nil
		mux.ServeHTTP(w, r)
	}))
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// runHTTPCase runs c with program against a fresh server: @URL@ in the
// project is the server's address, and the server's address in the
// written files is @URL@ again.
func runHTTPCase(t *testing.T, c *Case, program string, adapt bool) run {
	t.Helper()
	srv := newHTTPServer(t)
	sb, err := NewSandbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Unpack(sb.Project, sb.Out, adapt); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(sb.Project, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(p, []byte(strings.ReplaceAll(string(b), urlPlaceholder, srv.URL)), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-i", "inventory", "site.yml"}
	res, err := sb.Run(program, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Output)
	}
	tree, err := Snapshot(sb.Out)
	if err != nil {
		t.Fatal(err)
	}
	for p, e := range tree {
		e.Content = strings.ReplaceAll(e.Content, srv.URL, urlPlaceholder)
		tree[p] = e
	}
	out := strings.ReplaceAll(res.Output, srv.URL, urlPlaceholder)
	return run{Result: Result{Exit: res.Exit, Output: out}, Recap: ParseRecap(out), Tree: tree, ErrorLine: sb.Normalize(firstErrorReport(out))}
}

// TestHTTPReplay runs gansible on the HTTP cases and compares each run
// with the case's recording of ansible-playbook's.
func TestHTTPReplay(t *testing.T) {
	if *recordFlag {
		t.Skip("recording")
	}
	cases := loadCases(t, suiteHTTP.dir)
	checkOrphans(t, suiteHTTP, cases)
	gansible := gansibleBinary(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			rec := loadRecording(t, suiteHTTP, c)
			if reason := unmetNeed(c); reason != "" {
				t.Skip(reason)
			}
			got := runHTTPCase(t, c, gansible, false)
			suiteHTTP.judge(t, c, rec.recorded(recordingPath(suiteHTTP.dir, c.Name)), got)
		})
	}
}

// TestHTTPDiff runs the HTTP cases live with ansible-playbook and
// gansible (GANSIBLE_E2E=1), checking the recordings on the way.
func TestHTTPDiff(t *testing.T) {
	requireE2E(t)
	cases := loadCases(t, suiteHTTP.dir)
	gansible := gansibleBinary(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want := runHTTPCase(t, c, "ansible-playbook", true)
			if want.Exit != c.Exit {
				t.Fatalf("the case is wrong: ansible-playbook exited %d, the case expects %d\n%s", want.Exit, c.Exit, want.Output)
			}
			checkRecorded(t, suiteHTTP, c, want)
			got := runHTTPCase(t, c, gansible, false)
			suiteHTTP.judge(t, c, want, got)
		})
	}
}

// TestRecordHTTP rewrites the HTTP cases' recordings (make record).
func TestRecordHTTP(t *testing.T) {
	if !*recordFlag {
		t.Skip("make record runs this test with -record, to rewrite testdata/recorded")
	}
	refenv.Require(t, "ansible-core", "python3-jinja2", "python3-yaml")
	version := installedCoreVersion(t)
	cases := loadCases(t, suiteHTTP.dir)
	if err := os.MkdirAll(filepath.Dir(recordingPath(suiteHTTP.dir, "x")), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got := runHTTPCase(t, c, "ansible-playbook", true)
			if got.Exit != c.Exit {
				t.Fatalf("the case is wrong: ansible-playbook exited %d, the case expects %d\n%s", got.Exit, c.Exit, got.Output)
			}
			data, err := newRecording(c, version, got).Format()
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(recordingPath(suiteHTTP.dir, c.Name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
}
