# 粘包 ("sticky packets"): the server reads after the client has sent three
# small messages, and one recv() returns all three glued together.
# 粘包：服务端在客户端发完三条小消息之后才读，一次 recv() 就把三条连在一起读出来。
#
#   python3 sticky_server.py PORT
import socket
import sys
import time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("0.0.0.0", port))
listener.listen(5)
connection, peer = listener.accept()

# Wait a moment, so that all three messages are already in our receive buffer.
# 等一会儿，让三条消息都已经到达接收缓冲区。
time.sleep(0.5)
# TCP is a byte stream: it keeps no message boundaries. One recv() takes
# everything that is there, however many send() calls it came from.
# TCP 是字节流，不保留消息边界。一次 recv() 会取走缓冲区里的所有字节，
# 不管它们来自几次 send()。
data = connection.recv(1024)
print("one recv() returned", len(data), "bytes:", data, flush=True)

connection.close()
listener.close()
