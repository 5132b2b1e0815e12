package cache

import (
	"context"
	"sync"
)

// A Group runs one computation for concurrent callers of one key, as
// golang.org/x/sync/singleflight does, with the lifetime of the
// computation tied to its callers: it runs in its own goroutine under a
// context that ends when every caller waiting for it has gone. The zero
// value is ready to use; a Group must not be copied after first use.
type Group[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*call[V]
}

type call[V any] struct {
	done    chan struct{} // closed when val is set
	val     V
	waiters int
	cancel  context.CancelFunc
}

// Do returns the value of fn for key, running fn only if no call for key
// is running already; otherwise it waits for that call's value. fn gets a
// context with the values of the ctx of the caller that started it, which
// ends when the last waiting caller's ctx ends.
//
// When ctx ends first, Do returns ctx.Err(): a caller that leaves while
// others wait gets the zero value; the last caller to leave cancels fn's
// context, waits for fn to return and gets what it returned, so that no
// goroutine of the call outlives every Do, and partial results are not
// lost. shared reports whether the value came from a call that another
// caller started.
func (g *Group[K, V]) Do(ctx context.Context, key K, fn func(context.Context) V) (v V, shared bool, err error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[K]*call[V])
	}
	c, shared := g.calls[key]
	if !shared {
		runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		c = &call[V]{done: make(chan struct{}), cancel: cancel}
		g.calls[key] = c
		go func() {
			defer cancel()
			val := fn(runCtx)
			g.mu.Lock()
			c.val = val
			if g.calls[key] == c {
				delete(g.calls, key)
			}
			g.mu.Unlock()
			close(c.done)
		}()
	}
	c.waiters++
	g.mu.Unlock()

	select {
	case <-c.done:
		return c.val, shared, nil
	case <-ctx.Done():
	}
	g.mu.Lock()
	c.waiters--
	last := c.waiters == 0
	if last && g.calls[key] == c {
		// Later callers start afresh rather than join a canceled call.
		delete(g.calls, key)
	}
	g.mu.Unlock()
	if !last {
		var zero V
		return zero, shared, ctx.Err()
	}
	c.cancel()
	<-c.done
	return c.val, shared, ctx.Err()
}
