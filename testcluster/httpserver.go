package testcluster

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// HTTPDir is the path, on the repository server, of the fixed HTTP
// endpoints that cases of get_url and uri reach (HTTPURL). Every answer
// is the same from run to run: no Date header, fixed Last-Modified and
// ETag values, bodies that depend only on the request.
const HTTPDir = "http"

// HTTPModTime is the Last-Modified of the files under HTTPURL()+"/files/":
// older than anything a run writes, so a conditional request for a
// downloaded file gets 304 Not Modified.
var HTTPModTime = time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)

// HTTPFiles are the files served under HTTPURL()+"/files/", each with
// an ETag of its own ("NAME-1"). SHA256SUMS lists hello.txt and
// data.csv; WRONGSUMS gives data.csv the sum of hello.txt.
var HTTPFiles = map[string]string{
	"hello.txt":  "hello world\n",
	"data.csv":   "a,b\n1,2\n",
	"SHA256SUMS": "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447  hello.txt\n492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470 *./data.csv\n",
	"WRONGSUMS":  "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447  data.csv\n",
}

// HTTPUser and HTTPPassword are what HTTPURL()+"/auth" asks for.
const (
	HTTPUser     = "u"
	HTTPPassword = "p w"
)

// HTTPURL is the base URL of the fixed HTTP endpoints, or "" when the
// cluster serves nothing.
func (c *Cluster) HTTPURL() string { return c.repoURL(HTTPDir) }

// httpHandler serves the fixed endpoints below /http/:
//
//	/files/NAME      HTTPFiles, with Last-Modified, ETag and ranges
//	/api/item        a JSON document
//	/echo            JSON of the request's method, body, Content-Type,
//	                 X-Token header and query, any method
//	/status/CODE     answers CODE (200-599) with a short text body
//	/auth            HTTPUser and HTTPPassword through basic auth, or 401
//	/redirect        302 to /api/item; /redirect/301 a 301
func httpHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/files/", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/files/")
		content, ok := HTTPFiles[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("ETag", `"`+name+`-1"`)
		http.ServeContent(w, r, name, HTTPModTime, strings.NewReader(content))
	})
	mux.HandleFunc("/api/item", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"name": "widget", "tags": ["a", "b"], "count": 3, "nested": {"ok": true}}`)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo-Method", r.Method)
		json.NewEncoder(w).Encode(map[string]any{
			"method":       r.Method,
			"body":         string(body),
			"content_type": r.Header.Get("Content-Type"),
			"x_token":      r.Header.Get("X-Token"),
			"query":        r.URL.RawQuery,
		})
	})
	mux.HandleFunc("/status/", func(w http.ResponseWriter, r *http.Request) {
		code, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
		if err != nil || code < 200 || code > 599 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(code)
		if !slices.Contains([]int{http.StatusNoContent, http.StatusNotModified}, code) {
			io.WriteString(w, "status "+strconv.Itoa(code)+"\n")
		}
	})
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != HTTPUser || p != HTTPPassword {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "welcome\n")
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/"+HTTPDir+"/api/item", http.StatusFound)
	})
	mux.HandleFunc("/redirect/301", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/"+HTTPDir+"/api/item", http.StatusMovedPermanently)
	})
	return http.StripPrefix("/"+HTTPDir, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A nil Date keeps net/http from adding one: no dates in
		// compared fields.
		w.Header()["Date"] = nil
		mux.ServeHTTP(w, r)
	}))
}
