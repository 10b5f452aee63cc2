extension [UInt8] {
    /// Appends `value` in decimal ASCII digits, `-` first when negative: what JSON numbers and record
    /// ids are written with, without the temporary String that `description` would allocate.
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let firstDigit = count
        repeat {
            append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        // Least significant first, then swapped in place: reversing `self[firstDigit...]` would copy
        // the whole array, as the slice shares its buffer.
        var (low, high) = (firstDigit, count - 1)
        while low < high {
            swapAt(low, high)
            (low, high) = (low + 1, high - 1)
        }
    }
}
