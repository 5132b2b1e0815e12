package cli

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func count(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// TestOrdered: results come out in input order although later items
// finish first, and no more than n run at once.
func TestOrdered(t *testing.T) {
	for _, n := range []int{1, 4, 16} {
		var running, peak atomic.Int32
		var got []int
		Ordered(context.Background(), count(50), n, func(_ context.Context, i int) int {
			r := running.Add(1)
			for {
				p := peak.Load()
				if r <= p || peak.CompareAndSwap(p, r) {
					break
				}
			}
			time.Sleep(time.Duration(50-i) * 100 * time.Microsecond)
			running.Add(-1)
			return i * i
		}, func(v int) { got = append(got, v) })
		want := make([]int, 50)
		for i := range want {
			want[i] = i * i
		}
		if !slices.Equal(got, want) {
			t.Errorf("n=%d: results %v", n, got)
		}
		if p := peak.Load(); p > int32(n) || n > 1 && p < 2 {
			t.Errorf("n=%d: %d ran at once", n, p)
		}
	}
}

// TestOrderedStreams: the first result is emitted before the input ends.
func TestOrderedStreams(t *testing.T) {
	release := make(chan struct{})
	in := func(yield func(int) bool) {
		if !yield(1) {
			return
		}
		<-release // the input waits until the first result is out
		yield(2)
	}
	var got []int
	Ordered(context.Background(), in, 4, func(_ context.Context, i int) int { return i }, func(v int) {
		got = append(got, v)
		if v == 1 {
			close(release)
		}
	})
	if !slices.Equal(got, []int{1, 2}) {
		t.Errorf("got %v", got)
	}
}

// TestOrderedCancel: after ctx ends no new item starts, and Ordered
// returns with every goroutine ended.
func TestOrderedCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var started atomic.Int32
	endless := func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Ordered(ctx, endless, 3, func(ctx context.Context, i int) int {
			if started.Add(1) == 10 {
				cancel()
			}
			return i
		}, func(int) {})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Ordered did not return after cancel")
	}
	if n := started.Load(); n < 10 || n > 13 {
		t.Errorf("%d items started", n)
	}
}
