# Draws media/icon.png (128x128): the WebAssembly-purple tile with a Go-blue "W" and a notch.
# Kept as a script so the icon can be regenerated without image tools.
import struct, zlib

S = 128
SS = 4  # supersampling per axis

def inside_round_rect(x, y, r=22):
    cx = min(max(x, r), S - r); cy = min(max(y, r), S - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

def in_poly(x, y, pts):
    c = False
    for i in range(len(pts)):
        x1, y1 = pts[i]; x2, y2 = pts[i - 1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            c = not c
    return c

# A "W" as four slanted strokes.
def stroke(x1, y1, x2, y2, w):
    dx, dy = x2 - x1, y2 - y1
    n = (dx * dx + dy * dy) ** 0.5
    ox, oy = -dy / n * w / 2, dx / n * w / 2
    return [(x1 + ox, y1 + oy), (x2 + ox, y2 + oy), (x2 - ox, y2 - oy), (x1 - ox, y1 - oy)]

W = [stroke(26, 52, 42, 104, 13), stroke(42, 104, 64, 62, 13), stroke(64, 62, 86, 104, 13), stroke(86, 104, 102, 52, 13)]
purple, blue, white = (101, 79, 240), (0, 173, 216), (255, 255, 255)

rows = []
for py in range(S):
    row = bytearray([0])
    for px in range(S):
        acc = [0, 0, 0, 0]
        for sy in range(SS):
            for sx in range(SS):
                x = px + (sx + 0.5) / SS; y = py + (sy + 0.5) / SS
                if not inside_round_rect(x, y):
                    continue
                if (x - 64) ** 2 + (y - 0) ** 2 <= 20 ** 2:
                    continue  # the notch at the top, as in the WebAssembly logo
                col = purple
                if any(in_poly(x, y, p) for p in W):
                    col = white
                elif y > 112:
                    col = blue
                acc[0] += col[0]; acc[1] += col[1]; acc[2] += col[2]; acc[3] += 255
        n = SS * SS
        a = acc[3] // n
        if a:
            k = acc[3] / 255
            row += bytes([int(acc[0] / k), int(acc[1] / k), int(acc[2] / k), a])
        else:
            row += bytes([0, 0, 0, 0])
    rows.append(bytes(row))

def chunk(tag, data):
    return struct.pack('>I', len(data)) + tag + data + struct.pack('>I', zlib.crc32(tag + data) & 0xffffffff)

png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', S, S, 8, 6, 0, 0, 0)) \
    + chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b'')
open('media/icon.png', 'wb').write(png)
