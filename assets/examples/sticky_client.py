# Three quick send() calls of small messages: watch them arrive as one.
# 快速调用三次 send() 发送小消息：看它们如何作为一个整体到达。
#
#   python3 sticky_client.py HOST PORT
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else "server"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 9000
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect((host, port))

# Each send() returns as soon as the kernel has copied the bytes; the kernel
# decides when and in how many segments they leave (Nagle may merge them).
# 每次 send() 只要内核复制了字节就返回；什么时候发、分成几个报文段由内核决定
# （Nagle 算法可能把它们合并）。
for word in (b"hello", b"tcp", b"world!"):
    client.send(word)

# Wait for the server to close, then close too.
# 等服务端关闭，然后我们也关闭。
client.recv(1024)
client.close()
