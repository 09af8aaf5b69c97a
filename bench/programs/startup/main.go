// startup measures what every run pays: instantiating the module and the Go runtime's own start.
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
