// goroutines has many sleepers at once: Go's scheduler turns them into poll_oneoff calls with a
// clock subscription, so timer precision and the cost of an idle wait show here.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

const (
	goroutines = 2000
	sleeps     = 20
)

func main() {
	var wg sync.WaitGroup
	var done atomic.Int64
	for i := 0; i < goroutines; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < sleeps; j++ {
				time.Sleep(time.Millisecond)
			}
			done.Add(1)
		}()
	}
	wg.Wait()
	fmt.Println("ok", done.Load())
}
