package redact

import (
	"math/bits"
	"slices"
)

// index finds the registered secret forms in a text at a cost per byte
// that does not grow with their number. Every form is at least minLen (4)
// bytes long, so a form can only start where the text's next 4 bytes are
// the first 4 of some form: a bitmap of those (hashed, with at least 16
// bits per form, so about one position in 16 at most passes by chance)
// rules out almost every position with one look-up, and a trie of the
// forms is walked only from the positions it lets through, and from the
// last 3 bytes, where a form may begin that the text to follow completes.
//
// The trie has nodes only where forms part: below the depth where a form
// parts from its neighbours (in sorted order), the rest of it is the tail
// of its last node, compared byte by byte. So 2,500 client secrets of 128
// random letters and digits make 3,100 nodes, not 320,000. Nodes are
// numbered breadth first (node 0 is the empty prefix), so the shallow
// nodes most walks visit lie together in memory. A node's children are
// edges[nodes[n].edges:nodes[n+1].edges], sorted by byte; a node with more
// than denseAt children (the root, and the first levels when there are
// thousands of secrets) has a table indexed by the byte's place in the
// forms' alphabet instead, so finding a child is never more than denseAt
// comparisons.
//
// An index is immutable once built: the Redactor builds a new one after
// the secrets change, and scans share it without locking.
type index struct {
	filter []uint64 // bit hash(first 4 bytes) is set for every form
	shift  uint     // hash is the top 64-shift bits of a product
	nodes  []node   // and one more, whose edges ends the last node's
	edges  []edge
	alpha  [256]uint16 // a byte's place in the alphabet of the forms, from 1; 0 when no form has it
	tables []int32     // the tables, the alphabet's size + 1 each: the child on a byte, or 0
}

type node struct {
	edges int32  // offset of its first edge
	table int32  // offset of its table in tables, or -1
	ends  bool   // the prefix is a whole form
	tail  string // when not empty: the node has no children, and the prefix followed by tail is a whole form
}

type edge struct {
	c    byte
	node int32
}

// denseAt is the number of children from which a node gets a table.
const denseAt = 8

// build returns the index of forms (unique, each at least minLen bytes).
func build(forms []string) *index {
	x := &index{}
	size := max(64, 1<<bits.Len(uint(16*len(forms)))) // bits, a power of 2
	x.filter = make([]uint64, size/64)
	x.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for _, f := range forms {
		h := x.hash(f)
		x.filter[h/64] |= 1 << (h % 64)
	}

	// The trie, with children as linked lists. Inserting in sorted
	// order, a node's children arrive in byte order and only the previous
	// form's path can be shared. A form gets nodes one byte deeper than it
	// shares with either neighbour (below that, no other form shares its
	// bytes); the rest is its last node's tail.
	sorted := slices.Clone(forms)
	slices.Sort(sorted)
	label, ends, tail := []byte{0}, []bool{false}, []string{""}
	first, next, last := []int32{-1}, []int32{-1}, []int32{-1}
	var path []int32 // path[k] is the node of prev[:k+1]
	width := 1
	for i, f := range sorted {
		lcp, lcpNext := 0, 0
		if i > 0 {
			lcp = commonPrefix(sorted[i-1], f)
		}
		if i+1 < len(sorted) {
			lcpNext = commonPrefix(f, sorted[i+1])
		}
		depth := min(len(f), max(lcp, lcpNext)+1)
		path = path[:lcp] // the previous form has nodes at least this deep
		parent := int32(0)
		if lcp > 0 {
			parent = path[lcp-1]
		}
		for k := lcp; k < depth; k++ {
			n := int32(len(label))
			label, ends, tail = append(label, f[k]), append(ends, false), append(tail, "")
			first, next, last = append(first, -1), append(next, -1), append(last, -1)
			if last[parent] < 0 {
				first[parent] = n
			} else {
				next[last[parent]] = n
			}
			last[parent] = n
			path = append(path, n)
			parent = n
		}
		if depth == len(f) {
			ends[parent] = true
		} else {
			tail[parent] = f[depth:]
		}
		for k := range len(f) {
			if x.alpha[f[k]] == 0 {
				x.alpha[f[k]] = uint16(width)
				width++
			}
		}
	}

	// Number the nodes breadth first: order[i] is the trie node numbered
	// i, and a node's children get consecutive numbers.
	order := make([]int32, 1, len(label))
	id := make([]int32, len(label))
	for i := 0; i < len(order); i++ {
		for c := first[order[i]]; c >= 0; c = next[c] {
			id[c] = int32(len(order))
			order = append(order, c)
		}
	}
	x.nodes = make([]node, len(order)+1)
	x.edges = make([]edge, 0, len(order)-1)
	for i, t := range order {
		n := &x.nodes[i]
		n.ends, n.tail, n.edges, n.table = ends[t], tail[t], int32(len(x.edges)), -1
		for c := first[t]; c >= 0; c = next[c] {
			x.edges = append(x.edges, edge{label[c], id[c]})
		}
		if len(x.edges)-int(n.edges) > denseAt || i == 0 {
			n.table = int32(len(x.tables))
			x.tables = append(x.tables, make([]int32, width)...)
			for _, e := range x.edges[n.edges:] {
				x.tables[int(n.table)+int(x.alpha[e.c])] = e.node
			}
		}
	}
	x.nodes[len(order)].edges = int32(len(x.edges))
	return x
}

// hash returns the filter bit of a text's first 4 bytes.
func (x *index) hash(s string) uint64 {
	v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
	return (v * 0x9E3779B97F4A7C15) >> x.shift
}

// child returns the child of n on byte c, or 0 (the root is nobody's child).
func (x *index) child(n int32, c byte) int32 {
	if t := x.nodes[n].table; t >= 0 {
		return x.tables[int(t)+int(x.alpha[c])]
	}
	for _, e := range x.edges[x.nodes[n].edges:x.nodes[n+1].edges] {
		if e.c == c {
			return e.node
		}
	}
	return 0
}

// longest walks the trie along s. It returns the length of the longest
// form that begins s (0 if none), whether s is a proper prefix of a form
// (so the text to follow may complete one), and the steps taken (children
// looked up and tail bytes compared).
func (x *index) longest(s string) (n int, open bool, steps int) {
	node, i := int32(0), 0
	for {
		nd := &x.nodes[node]
		if nd.ends {
			n = i
		}
		if t := nd.tail; t != "" {
			j := 0
			for j < len(t) && i+j < len(s) && s[i+j] == t[j] {
				j++
			}
			steps += j + 1
			if j == len(t) {
				return i + j, false, steps
			}
			return n, i+j == len(s), steps
		}
		if i == len(s) {
			return n, x.nodes[node+1].edges > nd.edges, steps
		}
		steps++
		if node = x.child(node, s[i]); node == 0 {
			return n, false, steps
		}
		i++
	}
}

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// next returns the first position from i before end where a form may
// begin in s (end if none), and the steps taken (positions looked up in
// the filter). A form of at least 4 bytes may begin at any of the last 3.
func (x *index) next(s string, i, end int) (int, int) {
	steps := 0
	for ; i < end && i+minLen <= len(s); i++ {
		steps++
		if h := x.hash(s[i:]); x.filter[h/64]&(1<<(h%64)) != 0 {
			return i, steps
		}
	}
	return min(i, end), steps
}
