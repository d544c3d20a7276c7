package testcluster

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHTTPHandler(t *testing.T) {
	srv := httptest.NewServer(httpHandler())
	defer srv.Close()
	base := srv.URL + "/" + HTTPDir
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name     string
		method   string
		path     string
		header   map[string]string
		body     string
		wantCode int
		wantBody string // substring
		wantHdr  map[string]string
	}{
		{name: "file", path: "/files/hello.txt", wantCode: 200, wantBody: "hello world\n",
			wantHdr: map[string]string{"ETag": `"hello.txt-1"`, "Last-Modified": "Thu, 02 Jan 2020 03:04:05 GMT", "Date": ""}},
		{name: "not modified since", path: "/files/hello.txt", header: map[string]string{"If-Modified-Since": "Fri, 03 Jan 2020 00:00:00 GMT"}, wantCode: 304},
		{name: "etag matches", path: "/files/data.csv", header: map[string]string{"If-None-Match": `"data.csv-1"`}, wantCode: 304},
		{name: "no such file", path: "/files/nothing", wantCode: 404},
		{name: "json", path: "/api/item", wantCode: 200, wantBody: `"name": "widget"`, wantHdr: map[string]string{"Content-Type": "application/json"}},
		{name: "echo", method: "PUT", path: "/echo?a=1", header: map[string]string{"X-Token": "t", "Content-Type": "text/plain"}, body: "hi", wantCode: 200,
			wantBody: `{"body":"hi","content_type":"text/plain","method":"PUT","query":"a=1","x_token":"t"}`, wantHdr: map[string]string{"X-Echo-Method": "PUT"}},
		{name: "status", path: "/status/418", wantCode: 418, wantBody: "status 418\n"},
		{name: "status no content", path: "/status/204", wantCode: 204},
		{name: "status out of range", path: "/status/99", wantCode: 404},
		{name: "auth refused", path: "/auth", wantCode: 401, wantHdr: map[string]string{"WWW-Authenticate": `Basic realm="test"`}},
		{name: "redirect", path: "/redirect", wantCode: 302, wantHdr: map[string]string{"Location": "/http/api/item"}},
		{name: "redirect 301", path: "/redirect/301", wantCode: 301, wantHdr: map[string]string{"Location": "/http/api/item"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, base+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantCode {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.wantCode)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("body %q, want it to hold %q", body, tt.wantBody)
			}
			for k, v := range tt.wantHdr {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		})
	}
	t.Run("auth accepted", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/auth", nil)
		req.SetBasicAuth(HTTPUser, HTTPPassword)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if body, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || string(body) != "welcome\n" {
			t.Errorf("status %d body %q", resp.StatusCode, body)
		}
	})
}

// TestHTTPFileSums keeps SHA256SUMS true to the files it lists, and
// WRONGSUMS wrong.
func TestHTTPFileSums(t *testing.T) {
	sum := func(name string) string {
		s := sha256.Sum256([]byte(HTTPFiles[name]))
		return hex.EncodeToString(s[:])
	}
	want := sum("hello.txt") + "  hello.txt\n" + sum("data.csv") + " *./data.csv\n"
	if HTTPFiles["SHA256SUMS"] != want {
		t.Errorf("SHA256SUMS = %q, want %q", HTTPFiles["SHA256SUMS"], want)
	}
	if strings.HasPrefix(HTTPFiles["WRONGSUMS"], sum("data.csv")) {
		t.Error("WRONGSUMS gives data.csv its own sum")
	}
}
