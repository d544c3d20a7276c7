package output

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gansible/gansible/value"
)

// JUnitOptions are the junit callback's settings, Ansible's JUNIT_*
// environment variables.
type JUnitOptions struct {
	OutputDir string // JUNIT_OUTPUT_DIR, default ~/.ansible.log
	// TaskClass makes a case's class its file without the line
	// (JUNIT_TASK_CLASS); TaskRelativePath makes it relative to a dir.
	TaskClass        bool
	TaskRelativePath string
	// ReplaceOutOfTree replaces the dir of a class path that starts
	// with ../ (JUNIT_REPLACE_OUT_OF_TREE_PATH); nil when unset.
	ReplaceOutOfTree *string
	FailOnChange     bool
	FailOnIgnore     bool
	IncludeSetup     bool
	HideArgs         bool
	// TestCasePrefix: only tasks named so are cases, besides failures.
	TestCasePrefix string
}

// JUnitOptionsFromEnv reads the options as junit.py does, with lookup
// (os.LookupEnv): each boolean is true when its variable is "true" in
// any case.
func JUnitOptionsFromEnv(lookup func(string) (string, bool), home string) JUnitOptions {
	get := func(name, def string) string {
		if v, ok := lookup(name); ok {
			return v
		}
		return def
	}
	is := func(name, def string) bool { return strings.ToLower(get(name, def)) == "true" }
	o := JUnitOptions{
		OutputDir:        get("JUNIT_OUTPUT_DIR", filepath.Join(home, ".ansible.log")),
		TaskClass:        is("JUNIT_TASK_CLASS", "False"),
		TaskRelativePath: get("JUNIT_TASK_RELATIVE_PATH", ""),
		FailOnChange:     is("JUNIT_FAIL_ON_CHANGE", "False"),
		FailOnIgnore:     is("JUNIT_FAIL_ON_IGNORE", "False"),
		IncludeSetup:     is("JUNIT_INCLUDE_SETUP_TASKS_IN_REPORT", "True"),
		HideArgs:         is("JUNIT_HIDE_TASK_ARGUMENTS", "False"),
		TestCasePrefix:   get("JUNIT_TEST_CASE_PREFIX", ""),
	}
	if v, ok := lookup("JUNIT_REPLACE_OUT_OF_TREE_PATH"); ok {
		o.ReplaceOutOfTree = &v
	}
	return o
}

// JUnit is ansible-core's junit callback: at the end of the run it
// writes OutputDir/PLAYBOOK-TIME.xml with one test case per task and
// host, in the format and with the names Ansible gives them.
type JUnit struct {
	Nop
	mu        sync.Mutex
	opts      JUnitOptions
	now       func() time.Time
	verbosity int
	warn      func(string)
	playbook  string // the playbook's file name without its extension
	play      string
	tasks     []*junitTask
	byID      map[any]*junitTask
	// Err is the error of writing the report, if any.
	Err error
}

type junitTask struct {
	name, path, play, action string
	start                    time.Time
	hosts                    []*junitHost
	byHost                   map[string]*junitHost
}

type junitHost struct {
	name, status string
	finish       time.Time
	out          string // the result as junit dumps it, or the include's text
	message      string // a failure's message, a skip's reason
	error        bool   // the failure is an exception
}

// NewJUnit makes the callback for the playbook at path; like junit.py it
// creates the output dir at once. warn reports what Ansible reports as a
// callback failure.
func NewJUnit(opts JUnitOptions, playbook string, now func() time.Time, verbosity int, warn func(string)) (*JUnit, error) {
	if err := os.MkdirAll(opts.OutputDir, 0o777); err != nil {
		return nil, err
	}
	name := filepath.Base(playbook)
	name = strings.TrimSuffix(name, filepath.Ext(name))
	return &JUnit{opts: opts, now: now, verbosity: verbosity, warn: warn, playbook: name, byID: map[any]*junitTask{}}, nil
}

func (j *JUnit) Play(p PlayStart) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.play = p.Name
}

// Task records a task's start once, however often it runs (a handler).
func (j *JUnit) Task(t TaskStart) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, seen := j.byID[t.ID]; seen {
		return
	}
	name := strings.TrimSpace(t.Name)
	if !t.NoLog && !j.opts.HideArgs && t.Args != nil {
		var args []string
		for k, v := range t.Args.All() {
			args = append(args, k+"="+value.Str(v))
		}
		if len(args) > 0 {
			name += " " + strings.Join(args, ", ")
		}
	}
	task := &junitTask{name: name, path: t.Path, play: j.play, action: t.Action, start: j.now(), byHost: map[string]*junitHost{}}
	j.tasks = append(j.tasks, task)
	j.byID[t.ID] = task
}

// Result records a host's final result; loop items are in it, and an
// unreachable host is not recorded, as in junit.py.
func (j *JUnit) Result(r HostResult) {
	if r.Item != nil {
		return
	}
	var status string
	switch r.Status {
	case OK, Changed:
		status = "ok"
	case Failed:
		status = "failed"
		if r.Ignored && !j.opts.FailOnIgnore {
			status = "ok"
		}
	case Skipped:
		status = "skipped"
	default:
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	task := j.byID[r.TaskID]
	if task == nil {
		return
	}
	if j.opts.FailOnChange && status == "ok" && r.Result["changed"] == true {
		status = "failed"
	}
	switch {
	case status == "failed" && strings.Contains(task.name, "EXPECTED FAILURE"):
		status = "ok"
	case strings.Contains(task.name, "TOGGLE RESULT"):
		if status == "failed" {
			status = "ok"
		} else if status == "ok" {
			status = "failed"
		}
	}
	if !strings.HasPrefix(task.name, j.opts.TestCasePrefix) && status != "failed" {
		return
	}
	res := r.Result
	h := &junitHost{name: r.Host, status: status, finish: j.now()}
	censor := Censor{NoLog: r.NoLog}
	shown := cleanResult(censor.Result(res), j.verbosity)
	delete(shown, "exception")
	opts := value.JSONOptions{Lines: true, SortKeys: true, Default: goValue}
	if r.Verbose && !r.NoLog || j.verbosity > 2 {
		opts.Indent = 4
	}
	h.out, _ = value.JSON(shown, opts)
	switch status {
	case "failed":
		switch {
		case res["exception"] != nil:
			exc := value.Str(res["exception"])
			lines := strings.Split(strings.TrimSpace(exc), "\n")
			h.message, h.out, h.error = lines[len(lines)-1], exc, true
		case res["msg"] != nil:
			h.message = value.Str(res["msg"])
		default:
			rc := res["rc"]
			if rc == nil {
				rc = 0
			}
			h.message = "rc=" + value.Str(rc)
		}
	case "skipped":
		h.message = "skipped"
		if reason, ok := res["skip_reason"]; ok {
			h.message = value.Str(reason)
		}
	}
	if _, dup := task.byHost[r.Host]; dup {
		method := map[Status]string{OK: "ok", Changed: "ok", Failed: "failed", Skipped: "skipped"}[r.Status]
		j.warn(fmt.Sprintf("Failure using method (v2_runner_on_%s) in callback plugin (junit): %s: %s: %s: duplicate host callback: %s",
			method, task.path, task.play, task.name, r.Host))
		return
	}
	task.byHost[r.Host] = h
	task.hosts = append(task.hosts, h)
}

// Included records a task file loaded for some hosts as the include's
// "[include]" case, its text Ansible's repr of the IncludedFile; several
// files of one include (a loop) are one case, their texts a line each.
func (j *JUnit) Included(inc IncludeEvent) {
	j.mu.Lock()
	defer j.mu.Unlock()
	task := j.byID[inc.TaskID]
	if task == nil {
		return
	}
	if !strings.HasPrefix(task.name, j.opts.TestCasePrefix) {
		return
	}
	args, vars := inc.Args, inc.Vars
	if args == nil {
		args = value.NewDict(0)
	}
	if vars == nil {
		vars = value.NewDict(0)
	}
	text := fmt.Sprintf("%s (args=%s vars=%s): [%s]", inc.File, value.Repr(args), value.Repr(vars), strings.Join(inc.Hosts, ", "))
	if h, ok := task.byHost["include"]; ok && h.status == "included" {
		h.out += "\n" + text
		h.finish = j.now()
		return
	}
	h := &junitHost{name: "include", status: "included", finish: j.now(), out: text}
	task.byHost["include"] = h
	task.hosts = append(task.hosts, h)
}

// Recap writes the report.
func (j *JUnit) Recap(map[string]*Stats) {
	j.mu.Lock()
	defer j.mu.Unlock()
	report := j.report()
	stamp := value.FormatFloat(float64(j.now().UnixNano()) / 1e9)
	path := filepath.Join(j.opts.OutputDir, j.playbook+"-"+stamp+".xml")
	if err := os.WriteFile(path, []byte(report), 0o666); err != nil {
		j.Err = err
		j.warn(fmt.Sprintf("Failure using method (v2_playbook_on_stats) in callback plugin (junit): %v", err))
	}
}

// setupActions are Ansible's C._ACTION_SETUP.
var setupActions = map[string]bool{
	"gather_facts": true, "ansible.builtin.gather_facts": true, "ansible.legacy.gather_facts": true,
	"setup": true, "ansible.builtin.setup": true, "ansible.legacy.setup": true,
}

var yamlLine = regexp.MustCompile(`\.yml:[0-9]+$`)

// report is _generate_report's XML, as minidom's toprettyxml prints it.
func (j *JUnit) report() string {
	var cases []*xmlElem
	var failures, errors, skipped int
	var times []float64
	for _, t := range j.tasks {
		if setupActions[t.action] && !j.opts.IncludeSetup {
			continue
		}
		for _, h := range t.hosts {
			c, seconds := j.testCase(t, h)
			cases = append(cases, c)
			times = append(times, seconds)
			for _, child := range c.children {
				switch child.tag {
				case "failure":
					failures++
				case "error":
					errors++
				case "skipped":
					skipped++
				}
			}
		}
	}
	// TestSuite.time is Decimal(sum of the cases' float times);
	// TestSuites.time the Decimal sum of the suites', which rounds to
	// 28 significant digits.
	var sum float64
	for _, s := range times {
		if s != 0 {
			sum += s
		}
	}
	suiteTime := exactDecimal(sum)
	count := strconv.Itoa(len(cases))
	counts := func(a ...string) []xmlAttr {
		return pairs(append([]string{"disabled", "0", "errors", strconv.Itoa(errors), "failures", strconv.Itoa(failures)}, a...)...)
	}
	suite := &xmlElem{tag: "testsuite", attrs: counts("name", j.playbook, "skipped", strconv.Itoa(skipped), "tests", count, "time", suiteTime.String()), children: cases}
	suites := &xmlElem{tag: "testsuites", attrs: counts("tests", count, "time", suiteTime.rounded(28).String()), children: []*xmlElem{suite}}
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" ?>\n")
	suites.write(&b, "")
	return b.String()
}

// testCase is _build_test_case: the case and its time in seconds.
func (j *JUnit) testCase(t *junitTask, h *junitHost) (*xmlElem, float64) {
	seconds := h.finish.Sub(t.start).Seconds()
	class := t.path
	if j.opts.TaskRelativePath != "" && class != "" {
		if rel, err := filepath.Rel(j.opts.TaskRelativePath, class); err == nil {
			class = rel
		}
	}
	if j.opts.ReplaceOutOfTree != nil && strings.HasPrefix(class, "../") {
		class = *j.opts.ReplaceOutOfTree + filepath.Base(class)
	}
	if j.opts.TaskClass {
		class = yamlLine.ReplaceAllString(class, "")
	}
	c := &xmlElem{tag: "testcase", attrs: pairs("classname", class, "name", fmt.Sprintf("[%s] %s: %s", h.name, t.play, t.name), "time", value.FormatFloat(seconds))}
	switch h.status {
	case "ok", "included":
		if h.out != "" {
			c.children = append(c.children, &xmlElem{tag: "system-out", text: h.out})
		}
	case "failed":
		tag := "failure"
		if h.error {
			tag = "error"
		}
		c.children = append(c.children, &xmlElem{tag: tag, attrs: pairs("message", h.message, "type", tag), text: h.out})
	case "skipped":
		if h.message != "" {
			c.children = append(c.children, &xmlElem{tag: "skipped", text: h.message})
		}
	}
	return c, seconds
}

// pyDecimal is a Python Decimal: coefficient × 10**exp.
type pyDecimal struct {
	coef *big.Int
	exp  int
}

// exactDecimal is Decimal(f): the float's exact value. A float is
// n / 2**k, which is n × 5**k / 10**k.
func exactDecimal(f float64) pyDecimal {
	r := new(big.Rat).SetFloat64(f)
	if r == nil { // not finite: times never are
		return pyDecimal{coef: new(big.Int)}
	}
	k := r.Denom().BitLen() - 1
	five := new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(k)), nil)
	return pyDecimal{coef: new(big.Int).Mul(r.Num(), five), exp: -k}
}

// rounded is d rounded to prec significant digits, half to even, as
// arithmetic in Python's default decimal context (prec 28) leaves it.
func (d pyDecimal) rounded(prec int) pyDecimal {
	digits := len(new(big.Int).Abs(d.coef).String())
	if digits <= prec {
		return d
	}
	drop := digits - prec
	div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(drop)), nil)
	q, rem := new(big.Int).QuoRem(new(big.Int).Abs(d.coef), div, new(big.Int))
	twice := new(big.Int).Lsh(rem, 1)
	if c := twice.Cmp(div); c > 0 || c == 0 && q.Bit(0) == 1 {
		q.Add(q, big.NewInt(1))
	}
	exp := d.exp + drop
	if len(q.String()) > prec { // 99...9 rounded up to 10...0
		q.Quo(q, big.NewInt(10))
		exp++
	}
	if d.coef.Sign() < 0 {
		q.Neg(q)
	}
	return pyDecimal{coef: q, exp: exp}
}

// String is Python's str() of a Decimal: plain digits, or scientific
// notation when the exponent is positive or the value is below 1e-6.
func (d pyDecimal) String() string {
	sign := ""
	if d.coef.Sign() < 0 {
		sign = "-"
	}
	digits := new(big.Int).Abs(d.coef).String()
	left := d.exp + len(digits)
	dot := 1
	if d.exp <= 0 && left > -6 {
		dot = left
	}
	var intPart, frac string
	switch {
	case dot <= 0:
		intPart, frac = "0", "."+strings.Repeat("0", -dot)+digits
	case dot >= len(digits):
		intPart = digits + strings.Repeat("0", dot-len(digits))
	default:
		intPart, frac = digits[:dot], "."+digits[dot:]
	}
	exp := ""
	if left != dot {
		exp = fmt.Sprintf("E%+d", left-dot)
	}
	return sign + intPart + frac + exp
}

// xmlElem is an element as minidom prints it.
type xmlElem struct {
	tag      string
	attrs    []xmlAttr
	text     string
	children []*xmlElem
}

type xmlAttr struct{ name, value string }

func pairs(kv ...string) []xmlAttr {
	out := make([]xmlAttr, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, xmlAttr{kv[i], kv[i+1]})
	}
	return out
}

// write is minidom's Element.writexml with addindent "\t" and newl
// "\n": a lone text child on the element's line, other children a line
// each, one tab deeper.
func (e *xmlElem) write(b *strings.Builder, indent string) {
	b.WriteString(indent + "<" + e.tag)
	for _, a := range e.attrs {
		b.WriteString(" " + a.name + "=\"" + xmlEscape(a.value) + "\"")
	}
	switch {
	case len(e.children) > 0:
		b.WriteString(">\n")
		for _, c := range e.children {
			c.write(b, indent+"\t")
		}
		b.WriteString(indent + "</" + e.tag + ">\n")
	case e.text != "":
		b.WriteString(">" + xmlEscape(xmlText(e.text)) + "</" + e.tag + ">\n")
	default:
		b.WriteString("/>\n")
	}
}

// xmlText is text as it reads back from ElementTree's output: an XML
// parser turns \r\n and a lone \r into \n.
func xmlText(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// xmlEscape is minidom's _write_data, for text and attribute values alike.
var xmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", "\"", "&quot;", ">", "&gt;").Replace
