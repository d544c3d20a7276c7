package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gansible/gansible/testcluster"
)

// killPlaybook writes one large file with copy or template, as the extra
// variables say.
const killPlaybook = `- hosts: all
  gather_facts: no
  tasks:
    - copy: src={{ src }} dest={{ dest }}
      when: module == 'copy'
    - template: src={{ src }} dest={{ dest }}
      when: module == 'template'
`

// killRunsPerCase is how many killed runs each of the four cases
// (copy and template, over SSH and on the local connection) gets.
const killRunsPerCase = 25

// A write command in gansible -vvv output: its EXEC line holds the write
// script's receiving of the content, and the command has ended at the
// host's next rc line.
var (
	writeStarts = regexp.MustCompile(`cat > "\$t"`)
	commandEnds = regexp.MustCompile(`^<[^>]*> (rc=-?\d+|failed) after ([0-9.]+\w+)`)
)

// killCase is one way of writing: a module, a connection, and the two
// contents the runs alternate between.
type killCase struct {
	name     string
	module   string
	args     []string // connection and inventory arguments
	dest     string   // the target as the host sees it
	hostDir  string   // the target's directory as this machine sees it
	spool    string   // a glob of the host's shell servers' stdin files
	srcs     [2]string
	contents [2][]byte // what each src renders to on the host
}

// killStats counts what a case saw.
type killStats struct {
	runs, kills, midTransfer, bad int
}

// TestKillDuringWrite: gansible killed (SIGKILL) at random moments while
// copy or template writes a file of a few MB, over SSH and on the local
// connection, leaves the target with its old or its new content, never
// anything else; the next complete run leaves no temporary file beside it.
func TestKillDuringWrite(t *testing.T) {
	f := shared(t)
	host := slaves[0]
	c := startCluster(t, f, []string{host}, false)
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "play.yml"), []byte(killPlaybook), 0o644); err != nil {
		t.Fatal(err)
	}
	// Random binary content for copy, above the size the shell server
	// takes on stdin (a session of its own carries it); text for template,
	// below it (the shell server carries it).
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	var copies [2][]byte
	var templates, rendered [2][]byte
	for i := range 2 {
		copies[i] = make([]byte, 5<<20)
		for j := range copies[i] {
			copies[i][j] = byte(rng.Uint32())
		}
		name := fmt.Sprintf("big%d.bin", i)
		if err := os.WriteFile(filepath.Join(work, name), copies[i], 0o644); err != nil {
			t.Fatal(err)
		}
		var tmpl, out bytes.Buffer
		for j := range 25000 {
			line := fmt.Sprintf("version %d line %06d %s\n", i, j, strings.Repeat("x", 50+j%20))
			tmpl.WriteString(line)
			out.WriteString(line)
		}
		tmpl.WriteString("{{ module }} {{ 6 * 7 }}\n")
		out.WriteString("template 42\n")
		templates[i], rendered[i] = tmpl.Bytes(), out.Bytes()
		if err := os.WriteFile(filepath.Join(work, fmt.Sprintf("big%d.j2", i)), templates[i], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A directory per case, as the cases run side by side.
	local := [2]string{t.TempDir(), t.TempDir()}
	ssh := []string{"-i", c.InventoryFile(), "-u", testcluster.User, "-l", host}
	spool := filepath.Join(c.Root(host), "tmp/.gansible-sh.*/stdin")
	loc := []string{"-i", "localhost,", "-c", "local"}
	cases := []killCase{
		{name: "copy over SSH", module: "copy", args: ssh, dest: "/tmp/killtest/copy/f", hostDir: filepath.Join(c.Root(host), "tmp/killtest/copy"), spool: spool,
			srcs: [2]string{"big0.bin", "big1.bin"}, contents: copies},
		{name: "template over SSH", module: "template", args: ssh, dest: "/tmp/killtest/template/f", hostDir: filepath.Join(c.Root(host), "tmp/killtest/template"), spool: spool,
			srcs: [2]string{"big0.j2", "big1.j2"}, contents: rendered},
		{name: "copy on the local connection", module: "copy", args: loc, dest: filepath.Join(local[0], "f"), hostDir: local[0],
			srcs: [2]string{"big0.bin", "big1.bin"}, contents: copies},
		{name: "template on the local connection", module: "template", args: loc, dest: filepath.Join(local[1], "f"), hostDir: local[1],
			srcs: [2]string{"big0.j2", "big1.j2"}, contents: rendered},
	}
	if _, _, err := onHost(c, host, "mkdir -p /tmp/killtest/copy /tmp/killtest/template"); err != nil {
		t.Fatal(err)
	}
	// The cases run side by side: a run mostly waits for the disk.
	stats := make([]killStats, len(cases))
	t.Run("cases", func(t *testing.T) {
		for i, kc := range cases {
			t.Run(kc.name, func(t *testing.T) {
				t.Parallel()
				rng := rand.New(rand.NewPCG(seed, uint64(i)))
				stats[i] = kc.run(t, f, work, rng)
				s := stats[i]
				t.Logf("%s: %d runs, %d killed, %d kills mid-transfer, %d bad files", kc.name, s.runs, s.kills, s.midTransfer, s.bad)
			})
		}
	})
	var total killStats
	for _, s := range stats {
		total.runs += s.runs
		total.kills += s.kills
		total.midTransfer += s.midTransfer
		total.bad += s.bad
	}
	t.Logf("kill test: %d runs, %d killed, %d kills mid-transfer, %d bad files", total.runs, total.kills, total.midTransfer, total.bad)
	if total.bad > 0 {
		t.Errorf("%d killed runs left a target with neither its old nor its new content", total.bad)
	}
	// Most kills are aimed at the transfer; if hardly any landed there the
	// test proved nothing.
	if total.midTransfer < total.kills/4 {
		t.Errorf("only %d of %d kills came while the file was in flight", total.midTransfer, total.kills)
	}
}

// run alternates killed and complete runs of one case.
func (kc killCase) run(t *testing.T, f fixture, work string, rng *rand.Rand) killStats {
	t.Helper()
	var s killStats
	sums := [2]string{sha256Hex(kc.contents[0]), sha256Hex(kc.contents[1])}
	// A complete first run puts version 0 in place and times a run.
	runTime := kc.complete(t, f, work, 0, &s)
	cur := 0
	for attempt := 0; s.kills < killRunsPerCase; attempt++ {
		if attempt == 2*killRunsPerCase {
			t.Fatalf("%s: only %d of %d runs could be killed before they ended", kc.name, s.kills, attempt)
		}
		next := 1 - cur
		// Most kills come once the host holds a random part of the
		// content, the others at a random moment of the whole run.
		plan := killPlan{fraction: rng.Float64()}
		if rng.IntN(5) == 0 {
			plan = killPlan{delay: time.Duration(rng.Int64N(int64(runTime)))}
		}
		killed, mid := kc.killed(t, f, work, next, plan)
		s.runs++
		if killed {
			s.kills++
		}
		if mid {
			s.midTransfer++
		}
		kc.waitForWriters(t)
		got, err := fileSum(filepath.Join(kc.hostDir, filepath.Base(kc.dest)))
		switch {
		case err != nil:
			t.Errorf("%s: after a kill (%v): %v", kc.name, plan, err)
			s.bad++
		case got != sums[cur] && got != sums[next]:
			t.Errorf("%s: after a kill (%v, mid-transfer: %v) the target's sha256 is %s, neither the old %s nor the new %s", kc.name, plan, mid, got, sums[cur], sums[next])
			s.bad++
		}
		if r := kc.complete(t, f, work, next, &s); r > 0 {
			runTime = r
		}
		cur = next
	}
	return s
}

// complete runs the case to its end writing version v, checks the target
// and that no temporary file is left, and returns how long the run took.
func (kc killCase) complete(t *testing.T, f fixture, work string, v int, s *killStats) time.Duration {
	t.Helper()
	start := time.Now()
	cmd := kc.command(context.Background(), f, work, v)
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	s.runs++
	if err != nil {
		t.Fatalf("%s: complete run: %v\n%s", kc.name, err, out)
	}
	want := sha256Hex(kc.contents[v])
	if got, err := fileSum(filepath.Join(kc.hostDir, filepath.Base(kc.dest))); err != nil || got != want {
		t.Errorf("%s: after a complete run the target's sha256 is %s (%v), want %s", kc.name, got, err, want)
	}
	if left := kc.others(); len(left) > 0 {
		t.Errorf("%s: files left beside the target after a complete run: %q", kc.name, left)
	}
	return elapsed
}

// killPlan is when to kill a run: once the host holds fraction of the
// content or, when fraction is 0, delay after the start.
type killPlan struct {
	fraction float64
	delay    time.Duration
}

func (p killPlan) String() string {
	if p.fraction > 0 {
		return fmt.Sprintf("at %.0f%% of the content", 100*p.fraction)
	}
	return fmt.Sprintf("%v after the start", p.delay)
}

// killed starts a run writing version v and kills it as plan says. It
// reports whether it did so before the run ended and whether the kill came
// mid-transfer: the write command had started and the host held only part
// of the content.
func (kc killCase) killed(t *testing.T, f fixture, work string, v int, plan killPlan) (killed, mid bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := kc.command(ctx, f, work, v)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The output tells when the write command starts and ends.
	var mu sync.Mutex
	started, ended := false, false
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			switch {
			case writeStarts.MatchString(line):
				started = true
			case started && commandEnds.MatchString(line):
				ended = true
			}
			mu.Unlock()
		}
	}()
	total := int64(len(kc.contents[v]))
	want := int64(plan.fraction * float64(total))
	for {
		select {
		case <-done:
			// The run ended before the moment came.
			cmd.Wait()
			return false, false
		default:
		}
		n := kc.received(start)
		mu.Lock()
		inWrite := started && !ended
		due := time.Since(start) >= plan.delay
		if plan.fraction > 0 {
			due = (started && n >= want) || ended
		}
		if due {
			cmd.Process.Kill()
			mu.Unlock()
			<-done
			cmd.Wait()
			return true, inWrite && n < total
		}
		mu.Unlock()
		time.Sleep(200 * time.Microsecond)
	}
}

// received is how much of the content the host holds: the size of the
// largest file beside the target (the write's temporary file) or, where
// the content travels through the connection's shell server, of the
// server's copy of its stdin. Only files changed since the run started
// count.
func (kc killCase) received(since time.Time) int64 {
	var n int64
	files, _ := filepath.Glob(kc.spool)
	for _, name := range kc.others() {
		files = append(files, filepath.Join(kc.hostDir, name))
	}
	for _, p := range files {
		if info, err := os.Stat(p); err == nil && !info.ModTime().Before(since.Add(-time.Second)) {
			n = max(n, info.Size())
		}
	}
	return n
}

// command is a run of the case writing version v, with -vvv so that the
// output shows when the write command starts and ends.
func (kc killCase) command(ctx context.Context, f fixture, work string, v int) *exec.Cmd {
	args := append([]string{"play.yml", "-vvv",
		"-e", "module=" + kc.module, "-e", "src=" + kc.srcs[v], "-e", "dest=" + kc.dest}, kc.args...)
	cmd := exec.CommandContext(ctx, f.gansible, args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "HOME="+work)
	return cmd
}

// waitForWriters waits until the host's side of a killed run, which runs
// on until it sees its input end, has finished: no process (on this
// machine, whose /proc shows the test hosts' processes too) has the target
// in its command line any more.
func (kc killCase) waitForWriters(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pids := processesNaming(kc.dest)
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: processes %v still write the target 10s after the kill", kc.name, pids)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processesNaming returns the processes whose command line holds s.
func processesNaming(s string) []string {
	var pids []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		if cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline")); err == nil && bytes.Contains(cmdline, []byte(s)) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

// others lists what the target's directory holds besides the target.
func (kc killCase) others() []string {
	entries, _ := os.ReadDir(kc.hostDir)
	var names []string
	for _, e := range entries {
		if e.Name() != filepath.Base(kc.dest) {
			names = append(names, e.Name())
		}
	}
	return names
}

func fileSum(p string) (string, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	return sha256Hex(b), nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
