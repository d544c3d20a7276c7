package template

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/value"
)

type valueCase struct {
	Name       string         `yaml:"name"`
	Template   string         `yaml:"template"`
	Vars       map[string]any `yaml:"vars"`
	Want       any            `yaml:"want"`
	WantPrefix string         `yaml:"want_prefix"`
	Error      string         `yaml:"error"`
}

func TestTemplate(t *testing.T) {
	data, err := os.ReadFile("testdata/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []valueCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	e := New(Options{})
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := e.Template(c.Template, MapVars(c.Vars))
			switch {
			case c.Error != "":
				if err == nil || !strings.Contains(err.Error(), c.Error) {
					t.Fatalf("got %#v, %v; want error containing %q", got, err, c.Error)
				}
			case err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.WantPrefix != "":
				if s, _ := got.(string); !strings.HasPrefix(s, c.WantPrefix) {
					t.Fatalf("got %#v, want prefix %q", got, c.WantPrefix)
				}
			case !value.Equal(normalize(got), normalize(c.Want)):
				t.Fatalf("got %#v, want %#v", got, c.Want)
			}
		})
	}
}

type conditionCase struct {
	Name  string         `yaml:"name"`
	Cond  string         `yaml:"cond"`
	Vars  map[string]any `yaml:"vars"`
	Want  bool           `yaml:"want"`
	Error string         `yaml:"error"`
}

func TestCondition(t *testing.T) {
	data, err := os.ReadFile("testdata/conditions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []conditionCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	e := New(Options{})
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := e.Condition(c.Cond, MapVars(c.Vars))
			if c.Error != "" {
				if err == nil || !strings.Contains(err.Error(), c.Error) {
					t.Fatalf("got %v, %v; want error containing %q", got, err, c.Error)
				}
				if !IsUndefined(err) {
					t.Errorf("IsUndefined(%v) = false", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != c.Want {
				t.Fatalf("got %v, want %v", got, c.Want)
			}
		})
	}
}

func TestExpr(t *testing.T) {
	e := New(Options{})
	got, err := e.Expr("items + ['c']", MapVars{"items": []any{"a", "{{ x }}"}, "x": "b"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{"a", "b", "c"}; !value.Equal(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
	if _, err := e.Expr("nope", MapVars{}); !IsUndefined(err) {
		t.Fatalf("Expr(nope) error = %v, want an undefined error", err)
	}
}

// countingVars records how often each variable is looked up.
type countingVars struct {
	mu     sync.Mutex
	vars   map[string]any
	counts map[string]int
}

func (c *countingVars) Lookup(name string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[name]++
	v, ok := c.vars[name]
	return v, ok
}

// cluster is a HostVars over per-host variables layered on shared ones,
// like group_vars/all plus host_vars.
type cluster struct {
	hosts  []string
	shared map[string]any
	own    map[string]*countingVars
}

func (c *cluster) Host(name string) (Vars, bool) {
	v, ok := c.own[name]
	return v, ok
}

func (c *cluster) Hosts() []string { return c.hosts }

// mesosGroupVars is the variable chain of mesos-ansible's group_vars/all.
var mesosGroupVars = map[string]any{
	"mesos":                 "mesos-0.21.0-1.0",
	"mesos_rpm":             "{{mesos}}.rpm",
	"leading_master":        "{{ groups['masters'][0] }}",
	"master1":               "{{ hostvars[groups['masters'][0]]['ip'] }}",
	"master2":               "{{ hostvars[groups['masters'][1]]['ip'] }}",
	"master3":               "{{ hostvars[groups['masters'][2]]['ip'] }}",
	"zk_ensemble_url":       "{{ master1 }}:2181,{{ master2 }}:2181,{{ master3 }}:2181",
	"nn_data_dir":           []any{"/data/1/dfs/nn", "/data/2/dfs/nn"},
	"dfs_namenode_name_dir": "file://{{ nn_data_dir | join(',file://') }}",
	"broken":                "{{ does_not_exist }}",
}

func newCluster(n int) *cluster {
	c := &cluster{own: map[string]*countingVars{}}
	var masters, slaves []any
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("h%d", i)
		c.hosts = append(c.hosts, name)
		if i <= 3 {
			masters = append(masters, name)
		} else {
			slaves = append(slaves, name)
		}
	}
	groups := map[string]any{"masters": masters, "slaves": slaves, "all": append(append([]any{}, masters...), slaves...)}
	for i, name := range c.hosts {
		vars := map[string]any{}
		for k, v := range mesosGroupVars {
			vars[k] = v
		}
		vars["inventory_hostname"] = name
		vars["ip"] = fmt.Sprintf("10.0.0.%d", i+1)
		vars["groups"] = groups
		vars["hostvars"] = c
		c.own[name] = &countingVars{vars: vars, counts: map[string]int{}}
	}
	return c
}

func TestMesosVars(t *testing.T) {
	c := newCluster(6)
	e := New(Options{})
	vars := c.own["h5"]
	cases := map[string]string{
		"{{ zk_ensemble_url }}":       "10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181",
		"{{ dfs_namenode_name_dir }}": "file:///data/1/dfs/nn,file:///data/2/dfs/nn",
		"{{ mesos_rpm }}":             "mesos-0.21.0-1.0.rpm",
		"{{ leading_master }}":        "h1",
		"{{ hostvars['h2'].ip }}":     "10.0.0.2",
	}
	for tmpl, want := range cases {
		got, err := e.Template(tmpl, vars)
		if err != nil {
			t.Fatalf("%s: %v", tmpl, err)
		}
		if got != want {
			t.Errorf("%s = %#v, want %q", tmpl, got, want)
		}
	}
	quorum, err := e.Render("quorum.j2", "{{ '2' if [ [groups['masters']|length]=='3' ]  else '3' }}", vars)
	if err != nil || quorum != "2" {
		t.Errorf("quorum.j2 = %q, %v; want \"2\"", quorum, err)
	}
	zk, err := e.Render("zk.j2", "zk://{{ zk_ensemble_url }}/mesos\n", vars)
	if want := "zk://10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181/mesos\n"; err != nil || zk != want {
		t.Errorf("zk.j2 = %q, %v; want %q", zk, err, want)
	}
	// Only what the templates touched was looked up: never "broken", and
	// on the masters nothing but their ip.
	if n := vars.counts["broken"]; n != 0 {
		t.Errorf("broken was looked up %d times", n)
	}
	for _, m := range []string{"h1", "h2", "h3"} {
		for name := range c.own[m].counts {
			if name != "ip" {
				t.Errorf("hostvars[%s] looked up %q", m, name)
			}
		}
	}
	if _, err := e.Template("{{ hostvars['nohost'].ip }}", vars); err == nil || !IsUndefined(err) {
		t.Errorf("unknown host: got %v, want an undefined error", err)
	}
}

func TestUnsafeIsNotTemplated(t *testing.T) {
	e := New(Options{})
	vars := MapVars{
		"out": Unsafe{V: map[string]any{"stdout": "{{ secret }}", "rc": 0}},
		"s":   Unsafe{V: "{{ secret }}"},
	}
	got, err := e.Template("{{ out.stdout }} {{ s }}", vars)
	if err != nil {
		t.Fatal(err)
	}
	if got != "{{ secret }} {{ secret }}" {
		t.Fatalf("got %#v", got)
	}
}

// deferred is a Deferred value for tests: its value, or its error.
type deferred struct {
	v   any
	err error
}

func (d deferred) Value() (any, error) { return d.v, d.err }

func TestDeferredValues(t *testing.T) {
	e := New(Options{})
	vars := MapVars{
		"ok":  deferred{v: Unsafe{V: "p {{ x }}"}},
		"bad": deferred{err: fmt.Errorf("Attempting to decrypt but no vault secrets found")},
		"x":   "X",
	}
	if got, err := e.Template("{{ ok }}", vars); err != nil || got != "p {{ x }}" {
		t.Errorf("a used deferred value = %#v, %v", got, err)
	}
	if got, err := e.Template(deferred{v: "{{ x }}"}, vars); err != nil || got != "X" {
		t.Errorf("a deferred template argument = %#v, %v", got, err)
	}
	if _, err := e.Template("{{ bad }}", vars); err == nil || !strings.Contains(err.Error(), "no vault secrets found") {
		t.Errorf("a failing deferred value gave %v", err)
	}
	if got, err := e.Template("{{ x }}", vars); err != nil || got != "X" {
		t.Errorf("an unused failing value broke a template: %#v, %v", got, err)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := newCluster(10)
	e := New(Options{})
	var wg sync.WaitGroup
	errs := make(chan error, len(c.hosts))
	for _, h := range c.hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				got, err := e.Template("{{ zk_ensemble_url }}", c.own[h])
				if err == nil && got != "10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181" {
					err = fmt.Errorf("%s: got %v", h, got)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRenderErrorHasLine(t *testing.T) {
	e := New(Options{})
	_, err := e.Render("roles/x/templates/a.j2", "ok\n{{ missing }}\n", MapVars{})
	var te *Error
	if !asError(err, &te) || te.Name != "roles/x/templates/a.j2" || te.Line != 2 {
		t.Fatalf("got %#v", err)
	}
	if !IsUndefined(err) || !strings.Contains(err.Error(), "'missing' is undefined") {
		t.Fatalf("got %v", err)
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	*target = e
	return ok
}

// BenchmarkRenderMesosVars templates the group_vars chain for 30 hosts,
// as one task's arguments would be for a whole play.
func BenchmarkRenderMesosVars(b *testing.B) {
	c := newCluster(30)
	e := New(Options{})
	args := map[string]any{
		"dest":    "/etc/mesos/zk",
		"content": "zk://{{ zk_ensemble_url }}/mesos",
		"dirs":    "{{ dfs_namenode_name_dir }}",
		"rpm":     "/tmp/{{ mesos_rpm }}",
	}
	b.ResetTimer()
	for range b.N {
		for _, h := range c.hosts {
			if _, err := e.Template(args, c.own[h]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func (c *countingVars) Names() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := make([]string, 0, len(c.vars))
	for k := range c.vars {
		names = append(names, k)
	}
	return names
}

func TestHostVarsAsValues(t *testing.T) {
	c := newCluster(4)
	vars := c.own["h4"]
	vars.vars["hv"] = "{{ hostvars }}"
	e := New(Options{})
	got, err := e.Template("{{ hv['h2'].ip }}", vars)
	if err != nil || got != "10.0.0.2" {
		t.Fatalf("hv['h2'].ip = %#v, %v", got, err)
	}
	whole, err := e.Template("{{ hostvars['h2'] }}", vars)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := whole.(*value.Dict)
	if !ok {
		t.Fatalf("hostvars['h2'] = %#v", whole)
	}
	m := d.Map()
	if m["ip"] != "10.0.0.2" || m["zk_ensemble_url"] != "10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181" {
		t.Fatalf("hostvars['h2'] = %#v", whole)
	}
	if m["broken"] != "{{ does_not_exist }}" {
		t.Errorf("a variable that fails to resolve should keep its raw value, got %#v", m["broken"])
	}
}
