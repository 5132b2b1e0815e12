package cache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestLRUBoundAndOrder(t *testing.T) {
	now := time.Unix(1000, 0)
	later := now.Add(time.Hour)
	c := NewLRU[string, int](2)
	c.Put("a", 1, later)
	c.Put("b", 2, later)
	if v, ok := c.Get("a", now); !ok || v != 1 { // a is now the most recent
		t.Fatalf("Get(a) = %v, %v", v, ok)
	}
	c.Put("c", 3, later) // drops b, the least recently used
	if _, ok := c.Get("b", now); ok {
		t.Error("b was kept beyond the bound")
	}
	for k, want := range map[string]int{"a": 1, "c": 3} {
		if v, ok := c.Get(k, now); !ok || v != want {
			t.Errorf("Get(%s) = %v, %v; want %d", k, v, ok, want)
		}
	}
	c.Put("a", 10, later)
	if v, _ := c.Get("a", now); v != 10 || c.Len() != 2 {
		t.Errorf("replacing a: value %d, len %d", v, c.Len())
	}
}

func TestLRUExpiry(t *testing.T) {
	now := time.Unix(1000, 0)
	c := NewLRU[string, int](10)
	c.Put("short", 1, now.Add(time.Minute))
	c.Put("long", 2, now.Add(time.Hour))
	if _, ok := c.Get("short", now.Add(59*time.Second)); !ok {
		t.Error("short expired too soon")
	}
	if _, ok := c.Get("short", now.Add(time.Minute)); ok {
		t.Error("short kept at its expiry")
	}
	if c.Len() != 1 {
		t.Errorf("expired entry not removed: len %d", c.Len())
	}
	if _, ok := c.Get("long", now.Add(time.Minute)); !ok {
		t.Error("long expired too soon")
	}
}

func TestLRUZero(t *testing.T) {
	var c LRU[string, int]
	c.Put("a", 1, time.Now().Add(time.Hour))
	if _, ok := c.Get("a", time.Now()); ok || c.Len() != 0 {
		t.Error("the zero LRU holds something")
	}
}

// TestGroupCoalesces: 100 concurrent callers of one key run fn once.
func TestGroupCoalesces(t *testing.T) {
	var g Group[string, int]
	var runs atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	var sharedCount atomic.Int32
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, shared, err := g.Do(context.Background(), "k", func(context.Context) int {
				runs.Add(1)
				<-release
				return 42
			})
			if v != 42 || err != nil {
				t.Errorf("Do = %d, %v", v, err)
			}
			if shared {
				sharedCount.Add(1)
			}
		}()
	}
	// Let every caller join before the call ends.
	for {
		g.mu.Lock()
		n := 0
		if c := g.calls["k"]; c != nil {
			n = c.waiters
		}
		g.mu.Unlock()
		if n == 100 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if runs.Load() != 1 || sharedCount.Load() != 99 {
		t.Errorf("fn ran %d times, %d callers shared; want 1 and 99", runs.Load(), sharedCount.Load())
	}
	// After the call, a new caller runs fn again.
	v, shared, _ := g.Do(context.Background(), "k", func(context.Context) int { return 7 })
	if v != 7 || shared {
		t.Errorf("later Do = %d shared %v, want a fresh call", v, shared)
	}
}

// TestGroupLastCallerCancels: fn's context ends only when every caller
// has gone; the last one gets fn's value with its context's error.
func TestGroupLastCallerCancels(t *testing.T) {
	var g Group[string, string]
	started := make(chan struct{})
	fn := func(ctx context.Context) string {
		close(started)
		<-ctx.Done()
		return "partial"
	}
	ctx1, cancel1 := context.WithCancel(context.Background())
	ctx2, cancel2 := context.WithCancel(context.Background())
	type res struct {
		v   string
		err error
	}
	r1, r2 := make(chan res), make(chan res)
	go func() { v, _, err := g.Do(ctx1, "k", fn); r1 <- res{v, err} }()
	<-started
	go func() { v, _, err := g.Do(ctx2, "k", fn); r2 <- res{v, err} }()
	for {
		g.mu.Lock()
		n := g.calls["k"].waiters
		g.mu.Unlock()
		if n == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel1()
	if r := <-r1; r.v != "" || !errors.Is(r.err, context.Canceled) {
		t.Errorf("first caller left with %q, %v; want nothing and Canceled", r.v, r.err)
	}
	select {
	case r := <-r2:
		t.Fatalf("second caller returned %v while its context is live", r)
	case <-time.After(20 * time.Millisecond):
	}
	cancel2()
	if r := <-r2; r.v != "partial" || !errors.Is(r.err, context.Canceled) {
		t.Errorf("last caller got %q, %v; want fn's value and Canceled", r.v, r.err)
	}
	// A canceled call is not joined: the next caller starts afresh.
	v, shared, err := g.Do(context.Background(), "k", func(context.Context) string { return "new" })
	if v != "new" || shared || err != nil {
		t.Errorf("after cancel: %q shared %v %v", v, shared, err)
	}
}

// TestGroupKeepsValues: fn sees the values of the starting caller's
// context, but not its cancellation.
func TestGroupKeepsValues(t *testing.T) {
	type key struct{}
	var g Group[int, any]
	ctx := context.WithValue(context.Background(), key{}, "v")
	got, _, _ := g.Do(ctx, 1, func(ctx context.Context) any { return ctx.Value(key{}) })
	if got != "v" {
		t.Errorf("fn saw value %v", got)
	}
}
