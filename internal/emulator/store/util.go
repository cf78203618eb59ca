package store

func RemoveStr(list []string, s string) []string {
	out := list[:0:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

func removeInt(list []int32, n int32) []int32 {
	out := list[:0:0]
	for _, v := range list {
		if v != n {
			out = append(out, v)
		}
	}
	return out
}

func StrPtr(s string) *string { return &s }
