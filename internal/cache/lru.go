// Package cache holds the mechanics behind the discovery result cache of
// package mailsettings: a size-bounded map that drops the least recently
// used entry and forgets expired ones (LRU), and a group that runs one
// computation for concurrent callers of one key (Group).
package cache

import (
	"container/list"
	"sync"
	"time"
)

// An LRU maps keys to values that expire, holding at most a fixed number
// of entries: storing one more drops the least recently used. It is safe
// for concurrent use. The zero value holds nothing; use NewLRU.
type LRU[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *item[K, V], most recently used first
	items map[K]*list.Element
}

type item[K comparable, V any] struct {
	key     K
	val     V
	expires time.Time
}

// NewLRU returns an LRU that holds at most size entries (at least 1).
func NewLRU[K comparable, V any](size int) *LRU[K, V] {
	return &LRU[K, V]{max: max(size, 1), order: list.New(), items: make(map[K]*list.Element)}
}

// Get returns the value stored for k if it has not expired at now, and
// marks it as recently used. An expired entry is removed.
func (c *LRU[K, V]) Get(k K, now time.Time) (V, bool) {
	var zero V
	if c == nil || c.items == nil {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return zero, false
	}
	it := e.Value.(*item[K, V])
	if !now.Before(it.expires) {
		c.order.Remove(e)
		delete(c.items, k)
		return zero, false
	}
	c.order.MoveToFront(e)
	return it.val, true
}

// Put stores v for k until expires, replacing what k held, and drops the
// least recently used entries beyond the bound.
func (c *LRU[K, V]) Put(k K, v V, expires time.Time) {
	if c == nil || c.items == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		it := e.Value.(*item[K, V])
		it.val, it.expires = v, expires
		c.order.MoveToFront(e)
		return
	}
	c.items[k] = c.order.PushFront(&item[K, V]{key: k, val: v, expires: expires})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*item[K, V]).key)
	}
}

// Len returns the number of entries held, expired or not.
func (c *LRU[K, V]) Len() int {
	if c == nil || c.items == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
