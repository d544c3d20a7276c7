package difftest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// An Entry describes one path under a snapshotted directory.
type Entry struct {
	Type    string      // "file", "dir" or "symlink"
	Perm    fs.FileMode // permission bits (not for symlinks)
	Content string      // file content or symlink target
}

func (e Entry) String() string {
	switch e.Type {
	case "symlink":
		return "symlink -> " + e.Content
	case "dir":
		return fmt.Sprintf("dir %04o", e.Perm)
	}
	return fmt.Sprintf("file %04o %q", e.Perm, e.Content)
}

// A Tree maps slash-separated relative paths to their entries.
type Tree map[string]Entry

// Snapshot records every path under root. Occurrences of root inside
// file contents and symlink targets are replaced by @OUT@, so that trees
// written to different directories compare equal. A missing root yields
// an empty tree.
func Snapshot(root string) (Tree, error) {
	tree := Tree{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root && os.IsNotExist(err) {
				return filepath.SkipDir
			}
			return err
		}
		if path == root {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		e := Entry{Perm: info.Mode().Perm() | info.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			e = Entry{Type: "symlink", Content: strings.ReplaceAll(target, root, outPlaceholder)}
		case info.IsDir():
			e.Type = "dir"
		case info.Mode().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			e.Type = "file"
			e.Content = strings.ReplaceAll(string(data), root, outPlaceholder)
		default:
			e.Type = info.Mode().Type().String()
		}
		tree[filepath.ToSlash(rel)] = e
		return nil
	})
	return tree, err
}

// DiffTrees describes how got differs from want, one line per path; it
// returns nil when they agree.
func DiffTrees(want, got Tree) []string {
	paths := map[string]bool{}
	for p := range want {
		paths[p] = true
	}
	for p := range got {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)

	var diffs []string
	for _, p := range sorted {
		w, inWant := want[p]
		g, inGot := got[p]
		switch {
		case !inGot:
			diffs = append(diffs, fmt.Sprintf("file %s: missing, want %v", p, w))
		case !inWant:
			diffs = append(diffs, fmt.Sprintf("file %s: unexpected %v", p, g))
		case w != g:
			diffs = append(diffs, fmt.Sprintf("file %s:\n\tgot  %v\n\twant %v", p, g, w))
		}
	}
	return diffs
}
