// Package cli holds the pieces of the mailsettings command that are not
// about mail: flags that may follow arguments, queries from arguments or
// standard input, bounded parallel work in input order, a progress line,
// the language of the output, aligned tables, and sanitized JSON lines.
package cli

import (
	"flag"
	"strings"
)

// Exit statuses of the command.
const (
	ExitOK     = 0 // every query succeeded
	ExitFailed = 1 // some query failed
	ExitUsage  = 2 // bad flags or arguments
)

// Parse parses args with fs, as the flag package does, except that flags
// may follow arguments ("lookup alice@qq.com -json"), as users of other Go
// tools expect; "--" ends the flags, and every argument after it is an
// argument, even one that starts with "-". A lone "-" is an argument
// (standard input). It returns the arguments in order. An error is the
// flag package's: flag.ErrHelp for -h and -help, reported to fs.Output by
// fs itself otherwise.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(rest, args[i+1:]...), nil
		case a == "-" || !strings.HasPrefix(a, "-"):
			rest = append(rest, a)
			continue
		}
		one := []string{a}
		if needsValue(fs, a) && i+1 < len(args) {
			i++
			one = append(one, args[i])
		}
		// One flag (and its value) at a time: the flag package parses it
		// and leaves no argument over.
		if err := fs.Parse(one); err != nil {
			return nil, err
		}
	}
	return rest, nil
}

// needsValue reports whether the flag argument a ("-name" or "--name",
// without "=value") names a defined flag that takes a value, so that the
// next argument is its value.
func needsValue(fs *flag.FlagSet, a string) bool {
	name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
	if strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return false
	}
	return true
}
