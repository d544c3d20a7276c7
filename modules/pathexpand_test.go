package modules

import (
	"context"
	"reflect"
	"testing"

	"github.com/gansible/gansible/connection"
)

func TestExpandPaths(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("CASE_DIR", "/srv/with space\nand newline")
	tests := []struct {
		module, param, in, want string
		args                    Args
	}{
		{module: "stat", param: "path", in: "~/a", want: home + "/a"},
		{module: "file", param: "path", in: "$CASE_DIR/x", want: "/srv/with space\nand newline/x"},
		{module: "file", param: "path", in: "${CASE_DIR}/$CASE_UNSET_X", want: "/srv/with space\nand newline/$CASE_UNSET_X"},
		{module: "lineinfile", param: "path", in: "~", want: home},
		// copy's src is a controller path, unless remote_src says the host's.
		{module: "copy", param: "src", in: "~/s", want: "~/s"},
		{module: "copy", param: "src", in: "~/s", want: home + "/s", args: Args{"remote_src": true}},
		{module: "unarchive", param: "src", in: "~/s", want: home + "/s", args: Args{"copy": false}},
		// command expands its own paths, with its words.
		{module: "command", param: "chdir", in: "~/c", want: "~/c"},
	}
	for _, tt := range tests {
		m, _ := Lookup(tt.module)
		args := Args{tt.param: tt.in}
		for k, v := range tt.args {
			args[k] = v
		}
		c := &Context{Ctx: context.Background(), Conn: connection.Local{}}
		got, failed, err := ExpandPaths(c, m, args)
		if err != nil || failed != nil {
			t.Fatalf("%s %s=%q: %v %v", tt.module, tt.param, tt.in, err, failed)
		}
		if got[tt.param] != tt.want {
			t.Errorf("%s %s=%q: %q, want %q", tt.module, tt.param, tt.in, got[tt.param], tt.want)
		}
	}
}

func TestExpandPathsRoundTrips(t *testing.T) {
	m, _ := Lookup("file")
	conn := &scriptedConn{}
	c := &Context{Ctx: context.Background(), Conn: conn}
	if _, _, err := ExpandPaths(c, m, Args{"path": "/plain/path", "src": "rel"}); err != nil {
		t.Fatal(err)
	}
	if len(conn.cmds) != 0 {
		t.Errorf("%d commands run for paths that need no expansion", len(conn.cmds))
	}
}

// TestExpandPathLists: each element of a list of paths is expanded, the
// given list left as it was.
func TestExpandPathLists(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	m, _ := Lookup("archive")
	given := []any{"/plain", "~/a", "$HOME/b"}
	c := &Context{Ctx: context.Background(), Conn: connection.Local{}}
	got, failed, err := ExpandPaths(c, m, Args{"path": given, "exclude_path": []any{"~/x"}})
	if err != nil || failed != nil {
		t.Fatalf("%v %v", err, failed)
	}
	want := []any{"/plain", home + "/a", home + "/b"}
	if !reflect.DeepEqual(got["path"], want) || !reflect.DeepEqual(got["exclude_path"], []any{home + "/x"}) {
		t.Errorf("got %q, %q", got["path"], got["exclude_path"])
	}
	if given[1] != "~/a" {
		t.Errorf("the task's list changed: %q", given)
	}
}
