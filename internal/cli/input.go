package cli

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"iter"
)

// MaxLine bounds a line of standard input: a longer line is cut to
// MaxLine+1 bytes, which no query parser accepts, and the rest of it is
// skipped.
const MaxLine = 4096

// An Input is where a subcommand's queries come from: its arguments, in
// order, where the argument "-" stands for the lines of standard input.
type Input struct {
	Args  []string
	Stdin io.Reader
	// Flush, if not nil, is called before a read of Stdin that may block,
	// so that answers to earlier lines are out before the program waits
	// for the next one (a person typing, a slow pipe).
	Flush func()

	err error
}

// UsesStdin reports whether an argument is "-".
func (in *Input) UsesStdin() bool {
	for _, a := range in.Args {
		if a == "-" {
			return true
		}
	}
	return false
}

// All yields the queries: each argument, and for "-" each line of Stdin
// without its line ending, blank lines skipped. Standard input is read
// once, at the first "-"; a later "-" yields nothing. After the loop, Err
// tells whether reading failed.
func (in *Input) All() iter.Seq[string] {
	return func(yield func(string) bool) {
		read := false
		for _, a := range in.Args {
			if a != "-" {
				if !yield(a) {
					return
				}
				continue
			}
			if read || in.Stdin == nil {
				continue
			}
			read = true
			if !in.lines(yield) {
				return
			}
		}
	}
}

// lines yields the lines of Stdin; it returns false if yield asked to
// stop.
func (in *Input) lines(yield func(string) bool) bool {
	br := bufio.NewReaderSize(in.Stdin, 64<<10)
	for {
		if br.Buffered() == 0 && in.Flush != nil {
			in.Flush()
		}
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(line) > MaxLine+1 {
				line = line[:MaxLine+1]
			}
			q := string(line)
			if err = skipLine(br); err == nil || err == io.EOF {
				if !yield(q) {
					return false
				}
			}
		} else if len(line) > 0 {
			if len(line) > MaxLine+1 {
				line = line[:MaxLine+1]
			}
			line = bytes.TrimRight(line, "\r\n")
			if len(bytes.TrimSpace(line)) > 0 && !yield(string(line)) {
				return false
			}
		}
		switch {
		case err == io.EOF:
			return true
		case err != nil:
			in.err = err
			return true
		}
	}
}

// skipLine reads up to and including the next newline.
func skipLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// Err returns the error that stopped reading Stdin, if any.
func (in *Input) Err() error { return in.err }
