package modules

import (
	"fmt"
	"strconv"
	"strings"
)

// modeSpec is a mode argument as Ansible reads it.
//
// Ansible takes an int as the mode itself, so YAML's `mode: 0644` (the int
// 420) is 0644 while `mode: 644` (the int 644) is 01204; a string is read as
// octal ("644" and "0644" are 0644) or else as a symbolic mode
// ("u=rw,g=r,o=r") applied to the file's current mode.
type modeSpec struct {
	Octal    uint32
	HasOctal bool
	Symbolic string
	Preserve bool // copy's mode=preserve: the source file's mode
}

// Set reports whether a mode was given.
func (m modeSpec) Set() bool { return m.HasOctal || m.Symbolic != "" || m.Preserve }

// parseMode reads a mode argument: nil, an int, or a string.
func parseMode(v any) (modeSpec, error) {
	switch x := v.(type) {
	case nil:
		return modeSpec{}, nil
	case int:
		return modeSpec{Octal: uint32(x), HasOctal: true}, nil
	case int64:
		return modeSpec{Octal: uint32(x), HasOctal: true}, nil
	case float64:
		return modeSpec{Octal: uint32(x), HasOctal: true}, nil
	}
	s := strings.TrimSpace(Stringify(v))
	switch {
	case s == "":
		return modeSpec{}, nil
	case s == "preserve":
		return modeSpec{Preserve: true}, nil
	}
	if n, err := strconv.ParseUint(strings.TrimPrefix(s, "0o"), 8, 32); err == nil {
		return modeSpec{Octal: uint32(n), HasOctal: true}, nil
	}
	// Validate now so a bad mode fails before anything is touched.
	if _, err := applySymbolicMode(0, false, 0o022, s); err != nil {
		return modeSpec{}, failWith(map[string]any{"details": err.Error()}, "mode must be in octal or symbolic form")
	}
	return modeSpec{Symbolic: s}, nil
}

// resolve returns the permission bits a file with mode cur ends up with.
func (m modeSpec) resolve(cur uint32, isDir bool, umask uint32) (uint32, error) {
	if m.HasOctal {
		return m.Octal, nil
	}
	return applySymbolicMode(cur, isDir, umask, m.Symbolic)
}

// Permission bits, as in Python's stat module.
const (
	permBits = 0o7777
	sIRWXU   = 0o700
	sIRWXG   = 0o070
	sIRWXO   = 0o007
	sISUID   = 0o4000
	sISGID   = 0o2000
	sISVTX   = 0o1000
)

// applySymbolicMode applies a chmod-style symbolic mode to cur exactly as
// Ansible's _symbolic_mode_to_octal does: an empty "who" means "a" with
// the umask's bits left alone, and X adds execute only to directories and
// to files that already have an execute bit.
func applySymbolicMode(cur uint32, isDir bool, umask uint32, spec string) (uint32, error) {
	mode := cur & permBits
	for _, clause := range strings.Split(spec, ",") {
		opAt := strings.IndexAny(clause, "+-=")
		if opAt < 0 {
			return 0, fmt.Errorf("bad symbolic permission for mode: %s", clause)
		}
		users := clause[:opAt]
		useUmask := users == ""
		if users == "" || users == "a" {
			users = "ugo"
		}
		if strings.Trim(users, "ugo") != "" {
			return 0, fmt.Errorf("bad symbolic permission for mode: %s", clause)
		}
		rest := clause[opAt:]
		for rest != "" {
			op := rest[0]
			next := strings.IndexAny(rest[1:], "+-=")
			perms := rest[1:]
			if next >= 0 {
				perms, rest = rest[1:1+next], rest[1+next:]
			} else {
				rest = ""
			}
			if strings.Trim(perms, "rwxXstugo") != "" {
				return 0, fmt.Errorf("bad symbolic permission for mode: %s", clause)
			}
			for _, u := range users {
				bits := symbolicBits(mode, isDir, umask, byte(u), perms, useUmask)
				mode = applyModeOp(byte(u), op, bits, mode)
			}
		}
	}
	return mode, nil
}

// symbolicBits is the mode one "who" letter gets from perms.
func symbolicBits(cur uint32, isDir bool, umask uint32, user byte, perms string, useUmask bool) uint32 {
	shift := map[byte]uint{'u': 6, 'g': 3, 'o': 0}[user]
	allowed := uint32(0o777)
	if useUmask {
		allowed = ^umask & 0o777
	}
	applyX := isDir || cur&0o111 != 0
	var bits uint32
	for i := 0; i < len(perms); i++ {
		switch perms[i] {
		case 'r':
			bits |= allowed & (4 << shift)
		case 'w':
			bits |= allowed & (2 << shift)
		case 'x':
			bits |= allowed & (1 << shift)
		case 'X':
			if applyX {
				bits |= 1 << shift
			}
		case 's':
			switch user {
			case 'u':
				bits |= sISUID
			case 'g':
				bits |= sISGID
			}
		case 't':
			if user == 'o' {
				bits |= sISVTX
			}
		case 'u':
			bits |= ((cur & sIRWXU) >> 6) << shift
		case 'g':
			bits |= ((cur & sIRWXG) >> 3) << shift
		case 'o':
			bits |= (cur & sIRWXO) << shift
		}
	}
	return bits
}

// applyModeOp applies one operator for one "who" letter.
func applyModeOp(user, op byte, bits, cur uint32) uint32 {
	switch op {
	case '=':
		mask := map[byte]uint32{'u': sIRWXU | sISUID, 'g': sIRWXG | sISGID, 'o': sIRWXO | sISVTX}[user]
		return (cur &^ mask) | bits
	case '+':
		return cur | bits
	default:
		return cur &^ bits
	}
}

// formatMode renders permission bits as Ansible reports them: "0644",
// "04755".
func formatMode(m uint32) string { return fmt.Sprintf("0%03o", m&permBits) }
