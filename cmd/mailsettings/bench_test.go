package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
)

// mixedAddresses returns n addresses, one per line, as a bulk import
// would have them: mostly plain addresses of many table domains, and
// some in capitals, with display names, of unknown, Unicode or invalid
// domains, or invalid local parts.
func mixedAddresses(n int) []byte {
	var domains []string
	for p := range mailsettings.Providers() {
		domains = append(domains, p.Info().Domains...)
	}
	var b bytes.Buffer
	for i := range n {
		d := domains[(i*7919)%len(domains)]
		switch i % 20 {
		case 0:
			fmt.Fprintf(&b, "User%d@%s\n", i, strings.ToUpper(d))
		case 1:
			fmt.Fprintf(&b, "User %d <user%d@%s>\n", i, i, d)
		case 2:
			fmt.Fprintf(&b, "user%d@unknown-%d.example\n", i, i%500)
		case 3:
			fmt.Fprintf(&b, "用户%d@例子%d.中国\n", i, i%50)
		case 4:
			fmt.Fprintf(&b, "user..%d@%s\n", i, d)
		default:
			fmt.Fprintf(&b, "user%d@%s\n", i, d)
		}
	}
	return b.Bytes()
}

// BenchmarkLookupJSONStdin measures "mailsettings lookup -json -" on
// 100,000 mixed addresses (goal: at least 200,000 lines/s), beside a
// program that only copies the lines through, in the same run.
func BenchmarkLookupJSONStdin(b *testing.B) {
	const n = 100_000
	input := mixedAddresses(n)
	_, _ = mailsettings.Lookup("qq.com") // build the table outside the timing
	b.Run("copy", func(b *testing.B) {
		b.SetBytes(int64(len(input)))
		start := time.Now()
		for b.Loop() {
			sc := bufio.NewScanner(bytes.NewReader(input))
			w := bufio.NewWriterSize(io.Discard, 64<<10)
			for sc.Scan() {
				w.Write(sc.Bytes())
				w.WriteByte('\n')
			}
			w.Flush()
		}
		b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "lines/s")
	})
	b.Run("lookup-json", func(b *testing.B) {
		b.SetBytes(int64(len(input)))
		var out countingWriter
		start := time.Now()
		for b.Loop() {
			e := &env{stdin: bytes.NewReader(input), stdout: &out, stderr: io.Discard, getenv: func(string) string { return "" }}
			if code := run(context.Background(), e, []string{"lookup", "-json", "-"}); code != 1 {
				b.Fatalf("exit %d, want 1 (some queries fail)", code)
			}
		}
		b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "lines/s")
		if out.lines != n*b.N {
			b.Fatalf("%d lines out for %d in", out.lines, n*b.N)
		}
	})
}

// countingWriter discards what it is given and counts the lines.
type countingWriter struct{ lines int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// TestMixedAddresses keeps the benchmark's input honest: it has the mix
// it claims, and lookup answers every line.
func TestMixedAddresses(t *testing.T) {
	in := mixedAddresses(200)
	if n := bytes.Count(in, []byte{'\n'}); n != 200 {
		t.Fatalf("%d lines", n)
	}
	o := opts{stdin: string(in)}.run(t, "lookup", "-json", "-")
	got := jsonLines(t, o.stdout)
	failed := 0
	for _, m := range got {
		if m["error"] != nil {
			failed++
		}
	}
	if len(got) != 200 || failed < 20 || failed > 60 {
		t.Errorf("%d lines out, %d failed", len(got), failed)
	}
}
