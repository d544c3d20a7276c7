package playbook

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"
)

// TestKeywordTableIsAnsibles checks the keyword table against the
// keywords ansible-core 2.14 gives each playbook object (recorded in
// testdata/keywords-2.14.txt by testdata/keywords.py): the same keywords
// at each level, and inherited exactly where Ansible's are.
func TestKeywordTableIsAnsibles(t *testing.T) {
	f, err := os.Open("testdata/keywords-2.14.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	levels := map[string]Level{"Play": LevelPlay, "Block": LevelBlock, "Task": LevelTask, "Handler": LevelHandler, "Role": LevelRole}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		level, ok := levels[fields[0]]
		if !ok {
			t.Fatalf("unknown level %q", fields[0])
		}
		t.Run(fields[0], func(t *testing.T) {
			want := map[string]bool{}
			for _, w := range fields[1:] {
				name, inherits := strings.CutSuffix(w, "+")
				want[name] = true
				k := keywords[name]
				if k == nil || k.levels&level == 0 {
					t.Errorf("%s: ansible-core's keyword %s is not in the table at this level", fields[0], name)
					continue
				}
				if got := k.inherit != Own; got != inherits && name != "vars" {
					t.Errorf("%s: %s inherits = %v in the table, %v in ansible-core", fields[0], name, got, inherits)
				}
			}
			var extra []string
			for _, k := range keywordTable {
				// local_action is a form of the action that ansible-core's
				// argument parser reads, not an attribute.
				if k.levels&level != 0 && !k.legacy && !want[k.name] && k.name != "local_action" {
					extra = append(extra, k.name)
				}
			}
			sort.Strings(extra)
			if len(extra) > 0 {
				t.Errorf("%s: the table has keywords ansible-core does not: %v", fields[0], extra)
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestChainResolves checks the resolver on a task in a block in a play:
// the innermost level decides, Extend keywords list every level
// outermost first, and names outside the table resolve to nothing.
func TestChainResolves(t *testing.T) {
	yes, no := true, false
	play := &Play{Keywords: Keywords{RemoteUser: "play", Become: &yes, Tags: []string{"p"}, Environment: "pe"}}
	block := &Task{Keywords: Keywords{RemoteUser: "block", Become: &no, Tags: []string{"b"}}}
	task := &Task{Parent: block, Keywords: Keywords{BecomeTemplate: "{{ x }}", Environment: "te"}}
	c := task.Chain(play)
	if got := c.String("remote_user"); got != "block" {
		t.Errorf("remote_user = %q, want block", got)
	}
	if got, _ := c.Value("become"); got != "{{ x }}" {
		t.Errorf("become = %v, want the task's template", got)
	}
	if got, _ := block.Chain(play).Value("become"); got != false {
		t.Errorf("block become = %v, want false", got)
	}
	if got := c.Extended("environment"); len(got) != 2 || got[0] != "pe" || got[1] != "te" {
		t.Errorf("environment = %v, want [pe te]", got)
	}
	if got := c.Extended("tags"); len(got) != 2 {
		t.Errorf("tags = %v, want two levels", got)
	}
	if _, ok := c.Value("no_such_keyword"); ok {
		t.Error("an unknown keyword resolved")
	}
	if _, ok := c.Value("tags"); ok {
		t.Error("Value resolved an Extend keyword")
	}
}
