//go:build plan9

package netdial

// errnoClass returns ClassOther: Plan 9 reports system errors as text,
// which this package does not parse.
func errnoClass(error) Class { return ClassOther }
