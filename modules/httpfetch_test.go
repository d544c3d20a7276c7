package modules

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gansible/gansible/connection"
)

// spyConn runs commands on the local machine and keeps each command and
// its stdin, to check what a module put where.
type spyConn struct {
	cmds, stdin []string
}

func (s *spyConn) Run(ctx context.Context, cmd string, in io.Reader, b *connection.Become) (connection.Result, error) {
	var data []byte
	if in != nil {
		data, _ = io.ReadAll(in)
	}
	s.cmds = append(s.cmds, cmd)
	s.stdin = append(s.stdin, string(data))
	var r io.Reader
	if in != nil {
		r = bytes.NewReader(data)
	}
	return connection.Local{}.Run(ctx, cmd, r, b)
}

func (s *spyConn) Close() error { return nil }

// testHTTPServer serves /hello.txt ("hello\n", an old Last-Modified),
// /secret (basic auth as "me" with password "s3cr'et pw"), /json and
// /echo (the request's method and body).
func testHTTPServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/hello.txt", func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "hello.txt", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), strings.NewReader("hello\n"))
	})
	mux.HandleFunc("/secret", func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "me" || p != "s3cr'et pw" {
			w.Header().Set("WWW-Authenticate", `Basic realm="t"`)
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "secret content\n")
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Multi-Word", "v")
		io.WriteString(w, `{"k": [1, "two"]}`)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+r.Header.Get("Content-Type")+" "+string(b))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestCurlQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`plain`, `"plain"`},
		{`a "b" \c`, `"a \"b\" \\c"`},
		{"line\nbreak\ttab\r", `"line\nbreak\ttab\r"`},
		{`$(rm -rf /) 'q'`, `"$(rm -rf /) 'q'"`},
	} {
		if got := curlQuote(tc.in); got != tc.want {
			t.Errorf("curlQuote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestSplitCurlOutput(t *testing.T) {
	headers := "HTTP/1.1 301 Moved\r\nLocation: /b\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
	body := "HTTP/1.1 500 in the body\n@code 999\n"
	marks := "\n" + curlWriteSep + "\n@code 200\n@url http://x/b\n@redirects 1\n@headersize " +
		strconv.Itoa(len(headers)) + "\n@curl 0\n"
	h, b, _ := splitCurlOutput(headers + body + marks)
	if h != headers || b != body {
		t.Fatalf("split: headers %q body %q", h, b)
	}
	r := parseCurlOutput(headers + body + marks)
	if r.Status != 200 || r.Reason != "OK" || r.Redirects != 1 || r.URL != "http://x/b" || r.header("content-type") != "text/plain" || r.header("location") != "" {
		t.Fatalf("parsed %+v", r)
	}
}

func TestURLFilename(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"http://h/a/b.tar.gz", "b.tar.gz"},
		{"http://h/a/b.txt?x=1#f", "b.txt"},
		{"http://h", "index.html"},
		{"http://h/", "index.html"},
		{"http://h/dir/", "dir"},
	} {
		if got := urlFilename(tc.url); got != tc.want {
			t.Errorf("urlFilename(%q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

// The password reaches curl in its config on stdin, never in a command.
func TestGetURLSecretOnStdin(t *testing.T) {
	srv := testHTTPServer(t)
	dir := t.TempDir()
	spy := &spyConn{}
	c := testContext(t, nil)
	c.Conn = spy
	dest := filepath.Join(dir, "-odd name 'x'.txt")
	res := mustSucceed(t, runModule(t, c, "get_url", Args{
		"url": srv.URL + "/secret", "dest": dest, "url_username": "me", "url_password": "s3cr'et pw",
	}))
	if !res.Changed || res.Msg != "OK (15 bytes)" {
		t.Fatalf("result %+v", res)
	}
	if b, err := os.ReadFile(dest); err != nil || string(b) != "secret content\n" {
		t.Fatalf("dest: %q %v", b, err)
	}
	sawConfig := false
	for i, cmd := range spy.cmds {
		if strings.Contains(cmd, "s3cr") {
			t.Errorf("the password is in command %d:\n%s", i, cmd)
		}
		sawConfig = sawConfig || strings.Contains(spy.stdin[i], `user = "me:s3cr'et pw"`)
	}
	if !sawConfig {
		t.Errorf("no curl config with the credentials on stdin: %q", spy.stdin)
	}
	assertNoTempFiles(t, dir)
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".gansible-tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestGetURLRuns(t *testing.T) {
	srv := testHTTPServer(t)
	for _, tc := range []struct {
		name     string
		args     Args
		check    bool
		existing string // dest's content before the run; "" for none
		failed   bool
		changed  bool
		msg      string
		wantDest string // dest's content after; "" for absent
	}{
		{name: "new", args: Args{"url": "/hello.txt"}, changed: true, msg: "OK (6 bytes)", wantDest: "hello\n"},
		{name: "check mode writes nothing", args: Args{"url": "/hello.txt"}, check: true, changed: true, msg: "OK (6 bytes)"},
		{name: "newer dest is not modified", args: Args{"url": "/hello.txt"}, existing: "old\n", msg: "HTTP Error 304: Not Modified", wantDest: "old\n"},
		{name: "force replaces", args: Args{"url": "/hello.txt", "force": true}, existing: "old\n", changed: true, msg: "OK (6 bytes)", wantDest: "hello\n"},
		{name: "matching checksum skips the download", args: Args{"url": "/missing", "checksum": "sha1:f572d396fae9206628714fb2ce00f72e94f2258f"}, existing: "hello\n", msg: "file already exists", wantDest: "hello\n"},
		{name: "other checksum forces the download", args: Args{"url": "/hello.txt", "checksum": "md5:b1946ac92492d2347c6235b4d2611184"}, existing: "old\n", changed: true, msg: "OK (6 bytes)", wantDest: "hello\n"},
		{name: "mismatch leaves dest", args: Args{"url": "/hello.txt", "checksum": "sha256:00", "force": true}, existing: "old\n", failed: true, changed: true, wantDest: "old\n",
			msg: "The checksum for DEST did not match 00; it was 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03."},
		{name: "bad checksum format", args: Args{"url": "/hello.txt", "checksum": "nocolon"}, failed: true, msg: "The checksum parameter has to be in format <algorithm>:<checksum>"},
		{name: "404", args: Args{"url": "/missing"}, failed: true, msg: "Request failed"},
		{name: "unreachable", args: Args{"url": "http://127.0.0.1:1/x"}, failed: true, msg: "Request failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			dest := filepath.Join(dir, "out.txt")
			if tc.existing != "" {
				if err := os.WriteFile(dest, []byte(tc.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := Args{"dest": dest}
			for k, v := range tc.args {
				args[k] = v
			}
			if u := args.String("url"); strings.HasPrefix(u, "/") {
				args["url"] = srv.URL + u
			}
			c := testContext(t, nil)
			c.CheckMode = tc.check
			res := runModule(t, c, "get_url", args)
			msg := strings.ReplaceAll(tc.msg, "DEST", dest)
			if res.Failed != tc.failed || res.Changed != tc.changed || !strings.HasPrefix(res.Msg, msg) {
				t.Errorf("got failed=%v changed=%v msg=%q, want %v %v %q", res.Failed, res.Changed, res.Msg, tc.failed, tc.changed, msg)
			}
			b, err := os.ReadFile(dest)
			if tc.wantDest == "" && err == nil || tc.wantDest != "" && string(b) != tc.wantDest {
				t.Errorf("dest has %q (%v), want %q", b, err, tc.wantDest)
			}
			assertNoTempFiles(t, dir)
		})
	}
}

func TestURIRuns(t *testing.T) {
	srv := testHTTPServer(t)
	for _, tc := range []struct {
		name   string
		args   Args
		failed bool
		msg    string
		fields map[string]any
	}{
		{name: "json", args: Args{"url": "/json"}, msg: "OK (17 bytes)",
			fields: map[string]any{"status": 200, "content_type": "application/json", "x_multi_word": "v", "redirected": false}},
		{name: "post form", args: Args{"url": "/echo", "method": "POST", "body_format": "form-urlencoded", "body": "a=1&b=x+y", "return_content": true}, msg: "OK (",
			fields: map[string]any{"content": "POST application/x-www-form-urlencoded a=1&b=x+y"}},
		// As urllib, curl names a body without a Content-Type form data.
		{name: "raw body with quotes", args: Args{"url": "/echo", "method": "PUT", "body": "it's \"q\"\n$(x)", "return_content": true}, msg: "OK (",
			fields: map[string]any{"content": "PUT application/x-www-form-urlencoded it's \"q\"\n$(x)"}},
		{name: "auth", args: Args{"url": "/secret", "url_username": "me", "url_password": "s3cr'et pw", "return_content": true}, msg: "OK (15 bytes)",
			fields: map[string]any{"content": "secret content\n"}},
		{name: "unexpected status", args: Args{"url": "/secret"}, failed: true, msg: "Status code was 401 and not [200]: HTTP Error 401: Unauthorized"},
		{name: "status list", args: Args{"url": "/secret", "status_code": []any{200, 401}}, msg: "HTTP Error 401: Unauthorized", fields: map[string]any{"status": 401}},
		{name: "no auth without a challenge answered", args: Args{"url": "/secret", "url_username": "me", "url_password": "wrong"}, failed: true,
			msg: "Status code was 401 and not [200]: HTTP Error 401: Unauthorized"},
		{name: "unreachable", args: Args{"url": ":1/x"}, failed: true, msg: "Status code was -1 and not [200]: Request failed: ", fields: map[string]any{"status": -1}},
		{name: "creates", args: Args{"url": "/json", "creates": "/"}, fields: map[string]any{"stdout": "skipped, since '/' exists"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := Args{}
			for k, v := range tc.args {
				args[k] = v
			}
			if u := args.String("url"); strings.HasPrefix(u, ":") {
				args["url"] = "http://127.0.0.1" + u
			} else {
				args["url"] = srv.URL + u
			}
			spy := &spyConn{}
			c := testContext(t, nil)
			c.Conn = spy
			res := runModule(t, c, "uri", args)
			if res.Failed != tc.failed || !strings.HasPrefix(res.Msg, tc.msg) || res.Changed {
				t.Fatalf("got failed=%v changed=%v msg=%q, want %v false %q", res.Failed, res.Changed, res.Msg, tc.failed, tc.msg)
			}
			for k, want := range tc.fields {
				if got := res.Fields[k]; got != want {
					t.Errorf("%s = %#v, want %#v", k, got, want)
				}
			}
			for _, cmd := range spy.cmds {
				if strings.Contains(cmd, "s3cr") {
					t.Errorf("the password is in a command:\n%s", cmd)
				}
			}
		})
	}
}

func TestChecksumFromFile(t *testing.T) {
	for _, tc := range []struct{ content, name, want string }{
		{"abc123\n", "x.tar", "abc123"},
		{"aa  x.tar\nbb  y.tar\n", "y.tar", "bb"},
		{"aa *./x.tar\n", "x.tar", "aa"},
		{"aa  other\n", "x.tar", ""},
		{"aa\nbb\n", "x.tar", ""},
	} {
		if got := checksumFromFile(tc.content, tc.name); got != tc.want {
			t.Errorf("checksumFromFile(%q, %q) = %q, want %q", tc.content, tc.name, got, tc.want)
		}
	}
}

// pathWithout returns a PATH directory holding every program of /usr/bin
// and /usr/sbin but those named.
func pathWithout(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	skip := map[string]bool{}
	for _, n := range names {
		skip[n] = true
	}
	for _, d := range []string{"/usr/bin", "/usr/sbin"} {
		ents, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			link := filepath.Join(dir, e.Name())
			if _, err := os.Lstat(link); skip[e.Name()] || err == nil {
				continue
			}
			if err := os.Symlink(filepath.Join(d, e.Name()), link); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// Without curl, get_url downloads with wget, with the same results.
func TestGetURLWithWget(t *testing.T) {
	if _, err := os.Stat("/usr/bin/wget"); err != nil {
		t.Skip("wget is not installed")
	}
	srv := testHTTPServer(t)
	t.Setenv("PATH", pathWithout(t, "curl"))
	for _, tc := range []struct {
		name     string
		args     Args
		existing string
		failed   bool
		changed  bool
		msg      string
		wantDest string
	}{
		{name: "new", args: Args{"url": "/hello.txt", "headers": map[string]any{"X-A": "b"}}, changed: true, msg: "OK (6 bytes)", wantDest: "hello\n"},
		{name: "not modified", args: Args{"url": "/hello.txt"}, existing: "old\n", msg: "HTTP Error 304: Not Modified", wantDest: "old\n"},
		{name: "404", args: Args{"url": "/missing"}, failed: true, msg: "Request failed"},
		{name: "credentials need curl", args: Args{"url": "/secret", "url_username": "me", "url_password": "pw"}, failed: true,
			msg: "url_username and url_password need curl on the host, which has only wget"},
		{name: "unreachable", args: Args{"url": "http://127.0.0.1:1/x"}, failed: true, msg: "Request failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			dest := filepath.Join(dir, "out.txt")
			if tc.existing != "" {
				if err := os.WriteFile(dest, []byte(tc.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := Args{"dest": dest}
			for k, v := range tc.args {
				args[k] = v
			}
			if u := args.String("url"); strings.HasPrefix(u, "/") {
				args["url"] = srv.URL + u
			}
			res := runModule(t, testContext(t, nil), "get_url", args)
			if res.Failed != tc.failed || res.Changed != tc.changed || !strings.HasPrefix(res.Msg, tc.msg) {
				t.Errorf("got failed=%v changed=%v msg=%q, want %v %v %q", res.Failed, res.Changed, res.Msg, tc.failed, tc.changed, tc.msg)
			}
			b, err := os.ReadFile(dest)
			if tc.wantDest == "" && err == nil || tc.wantDest != "" && string(b) != tc.wantDest {
				t.Errorf("dest has %q (%v), want %q", b, err, tc.wantDest)
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if e.Name() != "out.txt" {
					t.Errorf("left in dest's directory: %s", e.Name())
				}
			}
		})
	}
}

func TestGetURLBackupAndRefusals(t *testing.T) {
	srv := testHTTPServer(t)
	dir := t.TempDir()
	dest := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(dest, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := testContext(t, nil)
	res := mustSucceed(t, runModule(t, c, "get_url", Args{"url": srv.URL + "/hello.txt", "dest": dest, "force": true, "backup": true}))
	bk, _ := res.Fields["backup_file"].(string)
	if b, err := os.ReadFile(bk); err != nil || string(b) != "old\n" {
		t.Errorf("backup_file %q: %q %v", bk, b, err)
	}
	if st, err := os.Stat(dest); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("dest keeps its mode: %v %v", st.Mode(), err)
	}
	for _, tc := range []struct {
		module string
		args   Args
		msg    string
	}{
		{"get_url", Args{"url": srv.URL + "/hello.txt", "dest": dest, "tmp_dest": "/tmp"}, "tmp_dest"},
		{"get_url", Args{"url": srv.URL + "/hello.txt", "dest": dest, "checksum": "crc32:00"}, "Unsupported hash algorithm: crc32"},
		{"uri", Args{"url": srv.URL + "/json", "unix_socket": "/x"}, "unix_socket"},
		{"uri", Args{"url": srv.URL + "/json", "body_format": "form-multipart", "body": map[string]any{"a": 1}}, "form-multipart is not supported"},
	} {
		res := runModule(t, c, tc.module, tc.args)
		if !res.Failed || !strings.Contains(res.Msg, tc.msg) {
			t.Errorf("%s %v: failed=%v msg=%q, want a failure naming %q", tc.module, tc.args, res.Failed, res.Msg, tc.msg)
		}
	}
}

// uri writes dest through the atomic write path, even at a name that
// looks like an option.
func TestURIDest(t *testing.T) {
	srv := testHTTPServer(t)
	dir := t.TempDir()
	dest := filepath.Join(dir, "-n 'q' $x.txt")
	c := testContext(t, nil)
	res := mustSucceed(t, runModule(t, c, "uri", Args{"url": srv.URL + "/json", "dest": dest}))
	if !res.Changed || res.Fields["path"] != dest {
		t.Fatalf("result %+v", res)
	}
	if b, err := os.ReadFile(dest); err != nil || string(b) != `{"k": [1, "two"]}` {
		t.Fatalf("dest: %q %v", b, err)
	}
	assertNoTempFiles(t, dir)
}

// uri does not support check mode: it is skipped, and nothing is asked
// of the server nor written.
func TestURICheckMode(t *testing.T) {
	dir := t.TempDir()
	spy := &spyConn{}
	c := testContext(t, nil)
	c.Conn, c.CheckMode = spy, true
	res := runModule(t, c, "uri", Args{"url": "http://127.0.0.1:1/x", "dest": filepath.Join(dir, "f")})
	if !res.Skipped || res.Msg != "remote module (ansible.legacy.uri) does not support check mode" || len(spy.cmds) != 0 {
		t.Fatalf("result %+v after %d commands", res, len(spy.cmds))
	}
}
