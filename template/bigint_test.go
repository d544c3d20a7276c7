package template

import (
	"strings"
	"testing"
)

// TestBigIntegers checks unbounded integer arithmetic against the results
// ansible-playbook 2.14 prints for the same expressions.
func TestBigIntegers(t *testing.T) {
	cases := []struct{ src, want string }{
		{"{{ 2**64 }}", "18446744073709551616"},
		{"{{ 2**70 // 3 }}", "393530540239137101141"},
		{"{{ '99999999999999999999' | int + 1 }}", "100000000000000000000"},
		{"{{ (2**64) | string }}", "18446744073709551616"},
		{"{{ [2**64] | to_json }}", "[18446744073709551616]"},
		{"{{ 2**64 > 2**63 }}", "True"},
		{"{{ 2**64 > 1.8e19 }}", "True"},
		{"{{ 2**64 == 18446744073709551616.0 }}", "True"},
		{"{{ 2**64 == 18446744073709551617 }}", "False"},
		{"{{ 2**64 + 1 > 18446744073709551616.0 }}", "True"},
		{"{{ 2**64 < 5 }}", "False"},
		{"{{ -2**64 < -1 }}", "False"}, // Jinja2 reads (-2)**64
		{"{{ 0 - 2**64 < -1 }}", "True"},
		{"{{ 9223372036854775807 + 1 }}", "9223372036854775808"},
		{"{{ -9223372036854775807 - 2 }}", "-9223372036854775809"},
		{"{{ 3037000500 * 3037000500 }}", "9223372037000250000"},
		{"{{ (2**64) is integer }}", "True"},
		{"{{ 2**64 % 7 }}", "2"},
		{"{{ -(2**64) // 7 }}", "-2635249153387078803"},
		{"{{ (-2**64) | abs }}", "18446744073709551616"},
		{"{{ [2**63, 2**63] | sum }}", "18446744073709551616"},
		{"{{ 2**64 / 2 }}", "9.223372036854776e+18"},
		{"{{ (2**64 + 0.5) }}", "1.8446744073709552e+19"},
		{"{{ 1e20 | int }}", "100000000000000000000"},
		{"{{ 2**-1 }}", "0.5"},
		{"{{ {'a': 2**64} }}", "{'a': 18446744073709551616}"},
		{"{{ '%d' % 2**64 }}", "18446744073709551616"},
		{"{{ '%x|%o|%5d' % (2**64, 2**64, 42) }}", "10000000000000000|2000000000000000000000|   42"},
		{"{{ 2**10**10 }}", "1267650600228229401496703205376"}, // ** is left-associative in Jinja2
		{"{{ 7 // -2 }}|{{ -7 % 3 }}|{{ 2**62 // 3 }}", "-4|2|1537228672809129301"},
		{"{{ 18446744073709551616 - 1 }}", "18446744073709551615"},
		{"{{ (2**64 - 2**64) is integer }}", "True"},
		{"{{ (2**64) is even }}|{{ (2**64 + 1) is odd }}|{{ (2**64) is divisibleby 3 }}|{{ (3 * 2**64) is divisibleby 3 }}", "True|True|False|True"},
		{"{{ -3 is odd }}|{{ 4 is even }}|{{ 2 is odd }}", "True|True|False"},
	}
	eng := New(Options{})
	for _, c := range cases {
		v, err := eng.Template(c.src, nil)
		if got := str(v); err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.src, got, err, c.want)
		}
	}
}

// TestBigIntegerBounds checks that integers too large to build fail.
func TestBigIntegerBounds(t *testing.T) {
	eng := New(Options{})
	for _, src := range []string{"{{ 2**(10**10) }}", "{{ 3**(2**40) }}", "{{ (2**(2**19)) * (2**(2**19)) }}"} {
		_, err := eng.Template(src, nil)
		if err == nil || !strings.Contains(err.Error(), "value too large") {
			t.Errorf("%s: got error %v, want value too large", src, err)
		}
	}
	for _, src := range []string{"{{ 1**(10**30) }}", "{{ (-1)**(10**30 + 1) }}", "{{ 0**(10**30) }}"} {
		if _, err := eng.Template(src, nil); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
}
