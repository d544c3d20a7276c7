package inventory

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// Host names in inventories may carry a port ("web1:2222", "[::1]:22") and
// ranges ("web[01:20].lab", "db-[a:c]"). The rules mirror ansible-core's
// parse_address and expand_hostname_range.

const (
	hostRange = `\[(?:[a-zA-Z]:[a-zA-Z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`
	// A label starts with a word character and does not end with _ or -.
	hostLabel = `(?:[\p{L}\p{N}_]|` + hostRange + `)(?:(?:[\p{L}\p{N}_-]|` + hostRange + `)*(?:[\p{L}\p{N}]|` + hostRange + `))?`
	ipv4Part  = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|\[[0-9]+:[0-9]+(?::[0-9]+)?\])`
)

var (
	bracketedHostPort = regexp.MustCompile(`^\[(.+)\]:([0-9]+)$`)
	hostPort          = regexp.MustCompile(`^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$`)
	ipv4Address       = regexp.MustCompile(`^(?:` + ipv4Part + `\.){3}` + ipv4Part + `$`)
	hostName          = regexp.MustCompile(`^` + hostLabel + `(?:\.` + hostLabel + `)*$`)
)

// splitHostPort splits an optional port off an inventory host name. A name
// that is not a valid address (once the port is removed) is kept whole, as
// Ansible does.
func splitHostPort(s string) (host string, port int) {
	host = s
	if m := bracketedHostPort.FindStringSubmatch(host); m != nil {
		host, port = m[1], atoi(m[2])
	}
	if m := hostPort.FindStringSubmatch(host); m != nil {
		host, port = m[1], atoi(m[2])
	}
	if !isAddress(host) {
		return s, 0
	}
	return host, port
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// isAddress reports whether s is an IPv4 address, an IPv6 address or a host
// name, any of which may contain ranges.
func isAddress(s string) bool {
	if ipv4Address.MatchString(s) || hostName.MatchString(s) {
		return true
	}
	return strings.Contains(s, ":") && net.ParseIP(s) != nil
}

// isIPAddress reports whether name is a literal IP address, for
// inventory_hostname_short.
func isIPAddress(name string) bool {
	return net.ParseIP(name) != nil
}

const asciiLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// MaxRangeHosts bounds the hosts one inventory entry's ranges expand to.
// ansible-core has no bound and needs minutes per hundred thousand hosts;
// an entry beyond this is a typo, not an inventory.
const MaxRangeHosts = 1_000_000

// expandHostRange expands every [begin:end(:step)] range in name, left to
// right, keeping the zero padding of numeric bounds ("web[01:03]" gives
// web01, web02, web03).
func expandHostRange(name string) ([]string, error) {
	names, err := expandHostRangeBounded(name)
	if err == errTooManyHosts {
		return nil, fmt.Errorf("host range %q expands to more than %d hosts", name, MaxRangeHosts)
	}
	return names, err
}

var errTooManyHosts = errors.New("too many hosts")

// rangeIntError is a range bound or step that is not a number, where
// ansible-core's int() raises a ValueError rather than an AnsibleError.
type rangeIntError struct {
	msg     string
	literal string // the bound as written
}

func (e rangeIntError) Error() string { return e.msg }

func expandHostRangeBounded(name string) ([]string, error) {
	open := strings.IndexByte(name, '[')
	if open < 0 {
		return []string{name}, nil
	}
	closing := strings.IndexByte(name[open:], ']')
	if closing < 0 {
		return nil, fmt.Errorf("host range in %q is missing ']'", name)
	}
	head, spec, tail := name[:open], name[open+1:open+closing], name[open+closing+1:]

	bounds := strings.Split(spec, ":")
	if len(bounds) != 2 && len(bounds) != 3 {
		return nil, fmt.Errorf("host range must be begin:end or begin:end:step")
	}
	beg, end, step := bounds[0], bounds[1], 1
	if len(bounds) == 3 {
		s, err := strconv.Atoi(bounds[2])
		if err != nil {
			return nil, rangeIntError{fmt.Sprintf("invalid host range step %q", bounds[2]), bounds[2]}
		}
		if s <= 0 {
			return nil, fmt.Errorf("invalid host range step %q", bounds[2])
		}
		step = s
	}
	if beg == "" {
		beg = "0"
	}
	if end == "" {
		return nil, fmt.Errorf("host range must specify end value")
	}

	var seq []string
	bi, ei := strings.Index(asciiLetters, beg), strings.Index(asciiLetters, end)
	if len(beg) == 1 && len(end) == 1 && bi >= 0 && ei >= 0 {
		if bi > ei {
			return nil, fmt.Errorf("host range must have begin <= end")
		}
		for i := bi; i <= ei; i += step {
			seq = append(seq, asciiLetters[i:i+1])
		}
	} else {
		width := 0
		if beg[0] == '0' && len(beg) > 1 {
			if len(beg) != len(end) {
				return nil, fmt.Errorf("host range must specify equal-length begin and end formats")
			}
			width = len(beg)
		}
		b, err1 := strconv.Atoi(beg)
		e, err2 := strconv.Atoi(end)
		if err1 != nil || err2 != nil {
			literal := beg
			if err1 == nil {
				literal = end
			}
			return nil, rangeIntError{fmt.Sprintf("invalid host range [%s]", spec), literal}
		}
		if e >= b && (e-b)/step >= MaxRangeHosts {
			return nil, errTooManyHosts
		}
		for i := b; i <= e; i += step {
			seq = append(seq, fmt.Sprintf("%0*d", width, i))
		}
	}

	var names []string
	for _, s := range seq {
		expanded, err := expandHostRangeBounded(head + s + tail)
		if err != nil {
			return nil, err
		}
		if len(names)+len(expanded) > MaxRangeHosts {
			return nil, errTooManyHosts
		}
		names = append(names, expanded...)
	}
	return names, nil
}

// expandHostPattern turns an inventory host entry into host names and the
// port it sets, if any.
func expandHostPattern(entry string) ([]string, int, error) {
	name, port := splitHostPort(entry)
	names, err := expandHostRange(name)
	return names, port, err
}
