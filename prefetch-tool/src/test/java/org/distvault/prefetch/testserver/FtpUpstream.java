package org.distvault.prefetch.testserver;

import java.nio.file.Path;
import java.util.List;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/** A real FTP server (Apache MINA FtpServer) on 127.0.0.1 serving {@code root} to anonymous users. */
public final class FtpUpstream implements AutoCloseable {
  private final FtpServer server;
  private final Listener listener;

  public FtpUpstream(Path root) throws FtpException {
    FtpServerFactory sf = new FtpServerFactory();
    ListenerFactory lf = new ListenerFactory();
    lf.setServerAddress("127.0.0.1");
    lf.setPort(0);
    DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
    data.setPassiveAddress("127.0.0.1");
    data.setPassiveExternalAddress("127.0.0.1");
    lf.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
    listener = lf.createListener();
    sf.addListener("default", listener);
    ConnectionConfigFactory cc = new ConnectionConfigFactory();
    cc.setAnonymousLoginEnabled(true);
    cc.setMaxAnonymousLogins(50);
    cc.setMaxLogins(50);
    sf.setConnectionConfig(cc.createConnectionConfig());
    PropertiesUserManagerFactory umf = new PropertiesUserManagerFactory();
    var um = umf.createUserManager();
    BaseUser anon = new BaseUser();
    anon.setName("anonymous");
    anon.setHomeDirectory(root.toString());
    anon.setAuthorities(List.<Authority>of(new WritePermission()));
    um.save(anon);
    sf.setUserManager(um);
    server = sf.createServer();
    server.start();
  }

  public int port() {
    return listener.getPort();
  }

  public String url(String path) {
    return "ftp://127.0.0.1:" + port() + path;
  }

  @Override
  public void close() {
    server.stop();
  }
}
