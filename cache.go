package mailsettings

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings/internal/cache"
)

// A Cache keeps the results of discoveries for [Discoverer.Cache], so
// that a program that checks many addresses (a sign-up form, an import)
// asks the network once per domain, not once per address.
//
// A key is one line without spaces: the mail domain as a lower-case
// A-label ("xn--fiqs8s"), followed, when the Discoverer's options differ
// from the zero Discoverer's in a way that changes what discovery finds,
// by a space and those options, comma-separated, such as
// "example.com guess,ispdb=https://ispdb.example/". With SendAddress and
// an address the options hold the local part ("address=alice"), since a
// server may answer each address differently. The Resolver, Dialer,
// HTTPClient and TLSConfig are not in the key: Discoverers that ask
// different networks must not share a Cache.
//
// The value is the [Discovery] as found, with every candidate's Source,
// Trust and Reasons, which a Cache must give back unchanged: a cached
// answer is exactly as trustworthy as it was when found. The Discoverer
// decides what is kept and for how long (see [CacheEntry]); a Cache
// returns an entry only before its Expires time and may forget it sooner.
//
// [NewCache] is an in-memory Cache. A program that runs on many machines
// can implement Cache over a shared store (Redis, a database), writing
// the entry as JSON, and put NewCache in front of it for coalescing.
// Implementations must be safe for concurrent use; Get and Put report no
// error, so a store that fails should treat it as a miss.
type Cache interface {
	// Get returns the entry stored for key, if there is one that has not
	// expired.
	Get(ctx context.Context, key string) (CacheEntry, bool)
	// Put stores e for key until e.Expires.
	Put(ctx context.Context, key string, e CacheEntry)
}

// A CacheEntry is what a [Cache] stores for a key.
//
// The Discoverer keeps two kinds of answers: settings found (for a day;
// a Cache in front of a source that says how long its answer lasts may
// shorten that), and a discovery that asked every source and found
// nothing (for five minutes), whose Discovery has no candidates. It keeps
// no failure: not a discovery that could not reach a source, not one cut
// short by its context, not an invalid input. Answers from the built-in
// table and [Discoverer.Providers] need no cache and are not stored.
type CacheEntry struct {
	// Discovery is the result as found, for the query that found it; the
	// Discoverer fills in each later query's address when it reuses it.
	Discovery Discovery
	// Expires is when the entry must no longer be used.
	Expires time.Time
}

// How long the Discoverer keeps answers.
const (
	cacheTTL         = 24 * time.Hour
	cacheNegativeTTL = 5 * time.Minute
	// defaultCacheSize bounds NewCache when no size is given.
	defaultCacheSize = 10000
)

// NewCache returns a Cache in memory holding at most size entries (10000
// if size is 0 or less), dropping the least recently used first.
// Concurrent discoveries of one key by Discoverers that use it are
// coalesced: N simultaneous calls make one set of network requests, and
// each caller's context still bounds its own wait.
//
// shared, if not nil, is a second level: asked on a miss (its answer is
// then kept in memory too) and written with every entry. Coalescing
// happens in memory, within one process.
func NewCache(size int, shared Cache) Cache {
	if size <= 0 {
		size = defaultCacheSize
	}
	return &memoryCache{lru: cache.NewLRU[string, CacheEntry](size), shared: shared}
}

// memoryCache is the Cache of NewCache.
type memoryCache struct {
	lru     *cache.LRU[string, CacheEntry]
	shared  Cache
	flights cache.Group[string, flight]
}

// A flight is the outcome of one discovery shared by coalesced callers.
type flight struct {
	disc Discovery
	err  error
}

func (c *memoryCache) Get(ctx context.Context, key string) (CacheEntry, bool) {
	now := time.Now()
	if e, ok := c.lru.Get(key, now); ok {
		return e, true
	}
	if c.shared == nil {
		return CacheEntry{}, false
	}
	e, ok := c.shared.Get(ctx, key)
	if !ok || !now.Before(e.Expires) {
		return CacheEntry{}, false
	}
	c.lru.Put(key, e, e.Expires)
	return e, true
}

func (c *memoryCache) Put(ctx context.Context, key string, e CacheEntry) {
	c.lru.Put(key, e, e.Expires)
	if c.shared != nil {
		c.shared.Put(ctx, key, e)
	}
}

// coalesce runs discover once for concurrent callers of key.
func (c *memoryCache) coalesce(ctx context.Context, key string, discover func(context.Context) (Discovery, error)) (Discovery, error) {
	f, _, err := c.flights.Do(ctx, key, func(ctx context.Context) flight {
		disc, err := discover(ctx)
		return flight{disc, err}
	})
	if err != nil {
		// This caller's context ended first; it gets what was found so
		// far, if it was the last to wait.
		domain, _, _ := strings.Cut(key, " ")
		return f.disc, fmt.Errorf("mailsettings: discovery of %s: %w", domain, err)
	}
	return f.disc, f.err
}

// cacheExpiry says whether the outcome of a discovery is kept, and until
// when: settings found for a day, "nothing there" after every source
// answered for five minutes, and nothing that failed or was cut short.
// (No source reports how long its answer lasts yet; when candidates carry
// that, the earliest of them bounds the day.)
func cacheExpiry(disc Discovery, err error, now time.Time) (time.Time, bool) {
	switch {
	case err == nil && len(disc.Candidates) > 0:
		return now.Add(cacheTTL), true
	case len(disc.Candidates) > 0 || !errors.Is(err, ErrNotFound) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return time.Time{}, false
	}
	for _, e := range disc.Errors {
		if se, ok := errors.AsType[*SourceError](e); ok && se.Unreachable {
			return time.Time{}, false
		}
	}
	return now.Add(cacheNegativeTTL), true
}

// fromCache returns a stored discovery for the query input (parsed as q),
// with the error it had: none for settings found, ErrNotFound otherwise.
func fromCache(e CacheEntry, input string, q query) (Discovery, error) {
	disc := readdress(e.Discovery, input, q)
	if len(disc.Candidates) == 0 {
		return disc, &discoveryError{ErrNotFound, disc.Domain, disc.Errors}
	}
	return disc, nil
}

// readdress returns a copy of disc for the query input, parsed as q, that
// shares nothing a caller could change with disc: the same candidates,
// sources, trust and reasons, with the query and local part of input.
func readdress(disc Discovery, input string, q query) Discovery {
	disc.Query, disc.LocalPart = input, q.Local
	disc.Candidates = slices.Clone(disc.Candidates)
	for i := range disc.Candidates {
		c := &disc.Candidates[i]
		c.Query, c.LocalPart = input, q.Local
		c.Reasons = slices.Clone(c.Reasons)
	}
	disc.Errors = slices.Clone(disc.Errors)
	disc.Unfinished = slices.Clone(disc.Unfinished)
	return disc
}
