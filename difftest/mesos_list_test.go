package difftest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// mesosRepo is the playbook repository gansible must run unmodified,
// found beside the repository root.
const mesosRepo = "../../shared/mesos-ansible"

// mesosAdapt is the whole of the adaptation ansible-core 2.14 needs to
// accept the repository: its two Ansible 1.x constructs.
var mesosAdapt = []Replacement{
	{Old: "- include: ", New: "- import_playbook: "},
	{Old: "sudo: yes", New: "become: yes"},
}

// TestMesosListings compares --syntax-check, --list-hosts and
// --list-tasks on the mesos repository: gansible on the published copy,
// ansible-playbook on the adapted one.
func TestMesosListings(t *testing.T) {
	requireE2E(t)
	if _, err := os.Stat(mesosRepo); err != nil {
		t.Fatalf("the mesos repository must be beside the repository root: %v", err)
	}
	gansible := gansibleBinary(t)
	ansible := mesosSandbox(t, true)
	ours := mesosSandbox(t, false)

	for _, opt := range []string{"--syntax-check", "--list-hosts", "--list-tasks"} {
		t.Run(strings.TrimPrefix(opt, "--"), func(t *testing.T) {
			want, err := ansible.Run("ansible-playbook", "site.yml", "-i", "inventory", opt)
			if err != nil {
				t.Fatal(err)
			}
			if want.Exit != 0 {
				t.Fatalf("ansible-playbook %s exited %d on the adapted repository:\n%s", opt, want.Exit, want.Output)
			}
			got, err := ours.Run(gansible, "site.yml", "-i", "inventory", opt)
			if err != nil {
				t.Fatal(err)
			}
			if got.Exit != want.Exit {
				t.Errorf("exit code: got %d, want %d", got.Exit, want.Exit)
			}
			w, g := listingLines(want.Output), listingLines(got.Output)
			if opt != "--syntax-check" && len(w) == 0 {
				t.Fatalf("ansible-playbook %s listed nothing:\n%s", opt, want.Output)
			}
			if opt == "--list-hosts" {
				// ansible-playbook prints the hosts of a play in no
				// stable order.
				slices.Sort(w)
				slices.Sort(g)
			}
			if !slices.Equal(w, g) {
				t.Errorf("listing differs:\n%s\n===== ansible-playbook =====\n%s\n===== gansible =====\n%s",
					lineDiff(w, g), want.Output, got.Output)
			}
		})
	}
}

// mesosSandbox copies the mesos repository into a new sandbox, adapted
// for ansible-core when adapt is set.
func mesosSandbox(t *testing.T, adapt bool) *Sandbox {
	t.Helper()
	sb, err := NewSandbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(mesosRepo, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(mesosRepo, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(sb.Project, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if adapt && strings.HasSuffix(path, ".yml") {
			text := string(data)
			for _, r := range mesosAdapt {
				text = strings.ReplaceAll(text, r.Old, r.New)
			}
			data = []byte(text)
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return sb
}

// listingLines returns the lines of a listing that describe plays,
// hosts and tasks, with whitespace normalised. "playbook: FILE" lines are
// left out: they name the file given on the command line, and warnings
// differ between the tools.
func listingLines(output string) []string {
	var out []string
	inWarning := false // a warning's lines, wrapped as Ansible wraps them
	for _, l := range strings.Split(output, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		switch {
		case strings.HasPrefix(l, "[WARNING]"), strings.HasPrefix(l, "[DEPRECATION"):
			inWarning = true
			continue
		case l == "":
			inWarning = false
			continue
		case inWarning, strings.HasPrefix(l, "playbook:"):
			continue
		}
		out = append(out, l)
	}
	return out
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got []string) string {
	var b strings.Builder
	for _, l := range want {
		if !slices.Contains(got, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	if b.Len() == 0 {
		b.WriteString("(same lines, different order)\n")
	}
	return b.String()
}
