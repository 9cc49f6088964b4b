# Reads a little of a long transfer, then exits with data still unread.
# Closing a socket whose receive buffer still holds data makes the kernel
# send RST instead of FIN: the peer learns the data was never read.
# 只读长传输的一小部分就退出，接收缓冲区里还有没读的数据。关闭一个接收缓冲区
# 里还有数据的套接字时，内核发送 RST 而不是 FIN：对方由此得知数据没有被读取。
#
#   python3 reset_client.py HOST PORT
import socket
import sys
import time

host = sys.argv[1] if len(sys.argv) > 1 else "server"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 9000
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect((host, port))
print("got", len(client.recv(1024)), "bytes, leaving", flush=True)
# Let more data arrive, unread, then leave without reading it.
# 让更多数据到达但不去读，然后不读就离开。
time.sleep(0.3)
sys.exit(0)
