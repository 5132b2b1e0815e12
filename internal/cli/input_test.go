package cli

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func TestInput(t *testing.T) {
	in := &Input{Args: []string{"a", "-", "b", "-"}, Stdin: strings.NewReader("x\r\n\n  \ny\nlast")}
	got := slices.Collect(in.All())
	if want := []string{"a", "x", "y", "last", "b"}; !slices.Equal(got, want) || in.Err() != nil {
		t.Errorf("All = %q, %v; want %q", got, in.Err(), want)
	}
	if !in.UsesStdin() || (&Input{Args: []string{"a"}}).UsesStdin() {
		t.Error("UsesStdin is wrong")
	}
}

func TestInputLongLine(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	in := &Input{Args: []string{"-"}, Stdin: strings.NewReader("a\n" + long + "\nb\n")}
	got := slices.Collect(in.All())
	if len(got) != 3 || got[0] != "a" || len(got[1]) != MaxLine+1 || got[2] != "b" {
		t.Errorf("got %d queries, lengths %d", len(got), len(got[1]))
	}
}

func TestInputStopAndError(t *testing.T) {
	in := &Input{Args: []string{"-"}, Stdin: strings.NewReader("1\n2\n3\n")}
	n := 0
	for range in.All() {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("break after 2 gave %d", n)
	}
	boom := errors.New("boom")
	in = &Input{Args: []string{"-"}, Stdin: iotest.TimeoutReader(strings.NewReader("1\n"))}
	_ = slices.Collect(in.All())
	if in.Err() == nil {
		t.Error("a read error was not reported")
	}
	in = &Input{Args: []string{"-"}, Stdin: iotest.ErrReader(boom)}
	if got := slices.Collect(in.All()); len(got) != 0 || !errors.Is(in.Err(), boom) {
		t.Errorf("got %q, %v", got, in.Err())
	}
}

// TestInputFlush: Flush is called before each read that may block, not
// for every line already buffered.
func TestInputFlush(t *testing.T) {
	flushes := 0
	in := &Input{Args: []string{"-"}, Stdin: iotest.OneByteReader(strings.NewReader("a\nb\n")), Flush: func() { flushes++ }}
	_ = slices.Collect(in.All())
	if flushes < 2 {
		t.Errorf("%d flushes for a byte-at-a-time reader", flushes)
	}
	flushes = 0
	in = &Input{Args: []string{"-"}, Stdin: strings.NewReader(strings.Repeat("a\n", 1000)), Flush: func() { flushes++ }}
	_ = slices.Collect(in.All())
	if flushes > 3 {
		t.Errorf("%d flushes for 1000 buffered lines", flushes)
	}
}
