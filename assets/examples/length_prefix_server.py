# The fix for 粘包: every message starts with its length in 4 bytes, so the
# receiver knows exactly where each message ends.
# 解决粘包：每条消息前面加上 4 字节的长度，接收方就知道每条消息在哪里结束。
#
#   python3 length_prefix_server.py PORT
import socket
import struct
import sys
import time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000


def receive_exactly(connection, count):
    # recv() may return fewer bytes than asked: loop until we have `count`.
    # recv() 返回的字节可能比要求的少：循环，直到收满 count 个。
    data = b""
    while len(data) < count:
        part = connection.recv(count - len(data))
        if not part:
            return None
        data += part
    return data


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("0.0.0.0", port))
listener.listen(5)
connection, peer = listener.accept()
# The same pause as in the sticky example: the messages are all here at once.
# 和粘包例子一样先等一会儿：所有消息同时到达。
time.sleep(0.5)
while True:
    header = receive_exactly(connection, 4)
    if header is None:
        break
    # "!I": an unsigned 32-bit number in network byte order (big-endian).
    # The tutorials use "i" (the machine's own order): fine while both ends
    # are the same kind of machine, "!I" is right between any two.
    # "!I"：网络字节序（大端）的 32 位无符号整数。教程里用 "i"（本机字节序），
    # 两端是同一种机器时没问题；"!I" 在任何两台机器之间都正确。
    (length,) = struct.unpack("!I", header)
    message = receive_exactly(connection, length)
    print("message of", length, "bytes:", message.decode("utf-8"), flush=True)
connection.close()
listener.close()
