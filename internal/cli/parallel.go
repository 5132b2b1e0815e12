package cli

import (
	"context"
	"iter"
	"sync"
)

// Ordered runs work on each item of in, at most n at a time (n < 1 means
// 1), and calls emit with the results in the order of in, each as soon as
// it and every earlier one are done: a stream in, a stream out, with at
// most n items in flight. With n == 1 everything runs on the caller's
// goroutine. When ctx ends, no further item is read from in; the items
// already started finish (work gets ctx and should return promptly) and
// are emitted. Ordered returns when every goroutine it started has ended.
func Ordered[In, Out any](ctx context.Context, in iter.Seq[In], n int, work func(context.Context, In) Out, emit func(Out)) {
	if n <= 1 {
		for item := range in {
			if ctx.Err() != nil {
				return
			}
			emit(work(ctx, item))
		}
		return
	}
	// queue holds one channel per started item, in input order; its
	// capacity and the semaphore bound the items in flight.
	queue := make(chan chan Out, n)
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(queue)
		for item := range in {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			if ctx.Err() != nil {
				<-sem
				return
			}
			res := make(chan Out, 1)
			queue <- res
			wg.Add(1)
			go func() {
				defer wg.Done()
				res <- work(ctx, item)
				<-sem
			}()
		}
	}()
	for res := range queue {
		emit(<-res)
	}
	wg.Wait()
}
